/// Encoded image bytes → the network's input tensor (NHWC, `size × size × 3`, normalised), following a
/// model's `Preprocessing`: decode (at a reduced JPEG scale when that loses nothing), turn upright,
/// crop or not, resize with an antialiasing filter, normalise.
public struct Preprocessor: Sendable {
    public let preprocessing: Preprocessing
    public let limits: DecodingLimits

    public init(_ preprocessing: Preprocessing, limits: DecodingLimits = .init()) {
        self.preprocessing = preprocessing
        self.limits = limits
    }

    /// Floats in one network input.
    public var inputCount: Int { preprocessing.size * preprocessing.size * 3 }

    /// The network input for `data`, as a new array.
    public func tensor(from data: UnsafeRawBufferPointer) throws -> [Float] {
        var tensor = [Float](repeating: 0, count: inputCount)
        try tensor.withUnsafeMutableBufferPointer { try write(from: data, into: $0.baseAddress!) }
        return tensor
    }

    /// Writes the network input for `data` into `destination` (`inputCount` floats).
    public func write(from data: UnsafeRawBufferPointer, into destination: UnsafeMutablePointer<Float>) throws {
        normalize(try resized(from: data), into: destination)
    }

    /// Writes the network input for an image `resized(from:)` made (or a quarter turn of one) into
    /// `destination` (`inputCount` floats).
    public func normalize(_ image: RGBImage, into destination: UnsafeMutablePointer<Float>) {
        precondition(image.pixels.count == inputCount, "the image must be \(preprocessing.size)×\(preprocessing.size)")
        let mean = preprocessing.mean, scale = preprocessing.scale
        for index in 0..<inputCount {
            destination[index] = (Float(image.pixels[index]) - mean) * scale
        }
    }

    /// The `size × size` RGB image the network will see, before normalisation.
    public func resized(from data: UnsafeRawBufferPointer) throws -> RGBImage {
        resized(try decoded(from: data))
    }

    /// The image upright, decoded at the smallest JPEG scale that still covers the network input:
    /// what `resized(_:)` takes, and what other per-image work (local features) can share.
    public func decoded(from data: UnsafeRawBufferPointer) throws -> RGBImage {
        let size = preprocessing.size
        switch preprocessing.mode {
        case .centerCrop:
            let minimumSide = Int((Double(size) / preprocessing.cropFraction).rounded(.up))
            return try ImageDecoder.decode(data, minimumSide: minimumSide, limits: limits)
        case .wholeImage:
            return try ImageDecoder.decode(data, minimumSide: size, limits: limits)
        }
    }

    /// The `size × size` RGB image the network will see of a `decoded(from:)` image.
    public func resized(_ image: RGBImage) -> RGBImage {
        let size = preprocessing.size
        switch preprocessing.mode {
        case .centerCrop:
            let side = max(1, Int(preprocessing.cropFraction * Double(min(image.width, image.height))))
            let crop = image.cropped(x: (image.width - side + 1) / 2, y: (image.height - side + 1) / 2, width: side, height: side)
            return Resampler.resize(crop, width: size, height: size, filter: preprocessing.filter)
        case .wholeImage:
            return Resampler.resize(image, width: size, height: size, filter: preprocessing.filter)
        }
    }
}
