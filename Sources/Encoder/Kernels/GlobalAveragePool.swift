/// Mean over all pixels of an NHWC activation: the embedding is the head's average response.
enum GlobalAveragePool {
    static func apply(_ input: UnsafePointer<Float>, pixels: Int, channels: Int, into output: UnsafeMutablePointer<Float>) {
        let scale = SIMD16<Float>(repeating: 1 / Float(pixels))
        for channel in stride(from: 0, to: channels, by: 16) {
            var sum = SIMD16<Float>()
            for pixel in 0..<pixels {
                sum += SIMD16<Float>.load(input + pixel * channels + channel)
            }
            (sum * scale).store(to: output + channel)
        }
    }
}
