import Foundation

/// (mean xᵖ)^(1/p) over all pixels of an NHWC activation, per channel; responses are clamped to a
/// tiny positive floor first, so that the power is defined (the head's ReLU6 already keeps them ≥ 0).
enum GeneralizedMeanPool {
    static func apply(_ input: UnsafePointer<Float>, pixels: Int, channels: Int, power: Float, into output: UnsafeMutablePointer<Float>) {
        let floor = SIMD16<Float>(repeating: 1e-6)
        for channel in stride(from: 0, to: channels, by: 16) {
            var sum = SIMD16<Float>()
            for pixel in 0..<pixels {
                sum += Self.raised(pointwiseMax(SIMD16<Float>.load(input + pixel * channels + channel), floor), to: power)
            }
            for lane in 0..<16 {
                output[channel + lane] = Foundation.pow(sum[lane] / Float(pixels), 1 / power)
            }
        }
    }

    /// `values` to the `power`: the cube, the usual power, by multiplication; others lane by lane.
    private static func raised(_ values: SIMD16<Float>, to power: Float) -> SIMD16<Float> {
        if power == 3 { return values * values * values }
        var raised = values
        for lane in 0..<16 { raised[lane] = Foundation.pow(values[lane], power) }
        return raised
    }
}
