import Imaging

/// An 8-bit grayscale image, rows top to bottom: what local features are found in.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "a gray image of \(width)×\(height) needs \(width * height) bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The luma (ITU-R BT.601 weights) of `image`, resized so that its longer side is between
    /// `minSide` and `maxSide`: halved by 2×2 averaging while more than twice too large, then
    /// interpolated (converting first and resizing one channel is three times less work).
    public init(_ image: RGBImage, minSide: Int = 0, maxSide: Int) {
        var luma = [UInt8](repeating: 0, count: image.width * image.height)
        image.pixels.withUnsafeBufferPointer { rgb in
            for index in 0..<luma.count {
                let r = Int(rgb[3 * index]), g = Int(rgb[3 * index + 1]), b = Int(rgb[3 * index + 2])
                luma[index] = UInt8((299 * r + 587 * g + 114 * b + 500) / 1000)
            }
        }
        var gray = GrayImage(width: image.width, height: image.height, pixels: luma)
        let longer = Double(max(image.width, image.height))
        let scale = min(max(1, Double(minSide) / longer), Double(maxSide) / longer)
        while 2 * scale * longer < Double(max(gray.width, gray.height)), min(gray.width, gray.height) >= 2 {
            gray = gray.halved()
        }
        self = gray.resized(width: max(1, Int((Double(image.width) * scale).rounded())), height: max(1, Int((Double(image.height) * scale).rounded())))
    }

    /// The image at half the size, each pixel the mean of a 2×2 block.
    private func halved() -> GrayImage {
        let halfWidth = width / 2, halfHeight = height / 2
        var out = [UInt8](repeating: 0, count: halfWidth * halfHeight)
        pixels.withUnsafeBufferPointer { source in
            for row in 0..<halfHeight {
                let top = 2 * row * width, bottom = top + width
                for column in 0..<halfWidth {
                    let sum = Int(source[top + 2 * column]) + Int(source[top + 2 * column + 1]) + Int(source[bottom + 2 * column]) + Int(source[bottom + 2 * column + 1])
                    out[row * halfWidth + column] = UInt8((sum + 2) / 4)
                }
            }
        }
        return GrayImage(width: halfWidth, height: halfHeight, pixels: out)
    }

    /// The image resized to `width × height` by bilinear interpolation: for enlarging, and for
    /// shrinking by less than 2 (pyramid levels), where no source pixel is skipped.
    func resized(width: Int, height: Int) -> GrayImage {
        if width == self.width && height == self.height { return self }
        let columns = Self.taps(count: width, scale: Float(self.width) / Float(width), sourceCount: self.width)
        let rows = Self.taps(count: height, scale: Float(self.height) / Float(height), sourceCount: self.height)
        var out = [UInt8](repeating: 0, count: width * height)
        pixels.withUnsafeBufferPointer { source in
            for (row, (y0, y1, fy)) in rows.enumerated() {
                let above = source.baseAddress! + y0 * self.width, below = source.baseAddress! + y1 * self.width
                for (column, (x0, x1, fx)) in columns.enumerated() {
                    let top = Float(above[x0]) * (1 - fx) + Float(above[x1]) * fx
                    let bottom = Float(below[x0]) * (1 - fx) + Float(below[x1]) * fx
                    out[row * width + column] = UInt8(top * (1 - fy) + bottom * fy + 0.5)
                }
            }
        }
        return GrayImage(width: width, height: height, pixels: out)
    }

    /// For each of `count` output positions along one axis, the two source positions it lies between
    /// (of `sourceCount`, pixel centres aligned) and its weight on the second: computed once per
    /// column, not once per pixel.
    private static func taps(count: Int, scale: Float, sourceCount: Int) -> [(Int, Int, Float)] {
        (0..<count).map { index in
            let position = max(0, (Float(index) + 0.5) * scale - 0.5)
            let first = min(Int(position), sourceCount - 1)
            return (first, min(first + 1, sourceCount - 1), position - Float(first))
        }
    }

    /// The image smoothed by a 5-tap binomial filter applied twice in each direction (σ ≈ 1.4): binary
    /// descriptors compare single pixels, so noise and JPEG artefacts must be averaged out first.
    func smoothed() -> GrayImage {
        var values = [UInt16](repeating: 0, count: pixels.count)
        Self.convert(pixels, into: &values)
        var scratch = values
        for _ in 0..<2 {
            Self.binomialRows(values, into: &scratch, width: width, height: height)
            Self.binomialColumns(scratch, into: &values, width: width, height: height)
        }
        var smoothed = [UInt8](repeating: 0, count: pixels.count)
        Self.convert(values, into: &smoothed)
        return GrayImage(width: width, height: height, pixels: smoothed)
    }

    /// `source` converted element by element into `destination` (as long), by a loop the compiler
    /// vectorises (`map` appends one element at a time). Smoothed values stay below 256.
    private static func convert<Source: FixedWidthInteger, Destination: FixedWidthInteger>(
        _ source: [Source], into destination: inout [Destination]
    ) {
        source.withUnsafeBufferPointer { source in
            destination.withUnsafeMutableBufferPointer { destination in
                for index in source.indices { destination[index] = Destination(truncatingIfNeeded: source[index]) }
            }
        }
    }

    /// [1 4 6 4 1]/16 along each row, edges clamped. The interior, where no tap is clamped, is a loop
    /// of its own so that the compiler vectorises it.
    private static func binomialRows(_ source: [UInt16], into destination: inout [UInt16], width: Int, height: Int) {
        let interior = 2..<max(2, width - 2)
        let edges = (0..<width).filter { !interior.contains($0) }
        source.withUnsafeBufferPointer { source in
            destination.withUnsafeMutableBufferPointer { destination in
                for row in 0..<height {
                    let base = row * width
                    for x in interior {
                        let at = base + x
                        destination[at] = (source[at - 2] &+ 4 &* source[at - 1] &+ 6 &* source[at] &+ 4 &* source[at + 1] &+ source[at + 2] &+ 8) >> 4
                    }
                    for x in edges {
                        let a = source[base + max(x - 2, 0)], b = source[base + max(x - 1, 0)], c = source[base + x]
                        let d = source[base + min(x + 1, width - 1)], e = source[base + min(x + 2, width - 1)]
                        destination[base + x] = (a &+ 4 &* b &+ 6 &* c &+ 4 &* d &+ e &+ 8) >> 4
                    }
                }
            }
        }
    }

    /// [1 4 6 4 1]/16 along each column, edges clamped.
    private static func binomialColumns(_ source: [UInt16], into destination: inout [UInt16], width: Int, height: Int) {
        source.withUnsafeBufferPointer { source in
            destination.withUnsafeMutableBufferPointer { destination in
                for y in 0..<height {
                    let a = max(y - 2, 0) * width, b = max(y - 1, 0) * width, c = y * width
                    let d = min(y + 1, height - 1) * width, e = min(y + 2, height - 1) * width
                    for x in 0..<width {
                        destination[c + x] = (source[a + x] &+ 4 &* source[b + x] &+ 6 &* source[c + x] &+ 4 &* source[d + x] &+ source[e + x] &+ 8) >> 4
                    }
                }
            }
        }
    }
}
