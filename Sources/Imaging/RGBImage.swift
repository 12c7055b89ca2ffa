/// A decoded image: 8-bit RGB, rows top to bottom, pixels interleaved.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGB image of \(width)×\(height) needs \(width * height * 3) bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The `width × height` region whose top-left corner is (`x`, `y`).
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> RGBImage {
        precondition(x >= 0 && y >= 0 && x + width <= self.width && y + height <= self.height)
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for row in 0..<height {
            let source = ((y + row) * self.width + x) * 3
            out.replaceSubrange(row * width * 3..<(row + 1) * width * 3, with: pixels[source..<source + width * 3])
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// The image resized to `width × height` with `filter`, widened when shrinking (antialiased).
    public func resized(width: Int, height: Int, filter: Preprocessing.Filter) -> RGBImage {
        Resampler.resize(self, width: width, height: height, filter: filter)
    }
}
