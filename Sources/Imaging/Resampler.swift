/// Separable image resizing with an antialiasing filter: when shrinking, the filter widens by the scale
/// factor so every source pixel contributes (a plain bicubic would alias). Arithmetic follows Pillow's
/// 8-bit path (22-bit fixed-point weights, horizontal pass first, rounding to 8 bits between passes) so
/// results agree with Pillow-made references to within a level.
struct Resampler {
    private static let precisionBits = 22

    /// For each output position: first source index, tap count and fixed-point weights.
    private struct Coefficients {
        let starts: [Int]
        let counts: [Int]
        let weights: [Int32]
        let taps: Int

        init(inputSize: Int, outputSize: Int, filter: Preprocessing.Filter) {
            let scale = Double(inputSize) / Double(outputSize)
            let filterScale = max(scale, 1)
            let support = filter.support * filterScale
            taps = Int(support.rounded(.up)) * 2 + 1
            var starts = [Int](repeating: 0, count: outputSize), counts = starts
            var weights = [Int32](repeating: 0, count: outputSize * taps)
            var raw = [Double](repeating: 0, count: taps)
            for position in 0..<outputSize {
                let center = (Double(position) + 0.5) * scale
                let first = max(Int(center - support + 0.5), 0)
                let count = min(Int(center + support + 0.5), inputSize) - first
                var total = 0.0
                for tap in 0..<count {
                    raw[tap] = filter.weight((Double(tap + first) - center + 0.5) / filterScale)
                    total += raw[tap]
                }
                for tap in 0..<count {
                    let fixed = (total != 0 ? raw[tap] / total : raw[tap]) * Double(1 << Resampler.precisionBits)
                    weights[position * taps + tap] = Int32(fixed < 0 ? fixed - 0.5 : fixed + 0.5)
                }
                starts[position] = first
                counts[position] = count
            }
            self.starts = starts
            self.counts = counts
            self.weights = weights
        }
    }

    /// `image` resized to `width × height`.
    static func resize(_ image: RGBImage, width: Int, height: Int, filter: Preprocessing.Filter) -> RGBImage {
        if image.width == width && image.height == height { return image }
        let vertical = Coefficients(inputSize: image.height, outputSize: height, filter: filter)
        let firstRow = vertical.starts[0]
        let lastRow = vertical.starts[height - 1] + vertical.counts[height - 1]
        let horizontal = Coefficients(inputSize: image.width, outputSize: width, filter: filter)
        let narrowed = resampleRows(image, rows: firstRow..<lastRow, coefficients: horizontal, width: width)
        return resampleColumns(narrowed, coefficients: vertical, rowOffset: firstRow, height: height)
    }

    /// Horizontal pass: each output pixel's channels summed over its taps' contiguous source pixels.
    private static func resampleRows(_ image: RGBImage, rows: Range<Int>, coefficients: Coefficients, width: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: rows.count * width * 3)
        image.pixels.withUnsafeBufferPointer { source in
            coefficients.weights.withUnsafeBufferPointer { weights in
                out.withUnsafeMutableBufferPointer { out in
                    for (outRow, row) in rows.enumerated() {
                        let sourceRow = source.baseAddress! + row * image.width * 3
                        let target = out.baseAddress! + outRow * width * 3
                        for x in 0..<width {
                            let first = sourceRow + coefficients.starts[x] * 3, weight = weights.baseAddress! + x * coefficients.taps
                            var r: Int32 = 1 << (precisionBits - 1), g = r, b = r
                            for tap in 0..<coefficients.counts[x] {
                                let pixel = first + tap * 3, w = weight[tap]
                                r &+= Int32(pixel[0]) &* w
                                g &+= Int32(pixel[1]) &* w
                                b &+= Int32(pixel[2]) &* w
                            }
                            target[x * 3] = clip(r)
                            target[x * 3 + 1] = clip(g)
                            target[x * 3 + 2] = clip(b)
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: rows.count, pixels: out)
    }

    /// Vertical pass, accumulated a whole row at a time so the inner loop runs over contiguous bytes.
    private static func resampleColumns(_ image: RGBImage, coefficients: Coefficients, rowOffset: Int, height: Int) -> RGBImage {
        let rowBytes = image.width * 3
        var out = [UInt8](repeating: 0, count: height * rowBytes)
        var sums = [Int32](repeating: 0, count: rowBytes)
        image.pixels.withUnsafeBufferPointer { source in
            sums.withUnsafeMutableBufferPointer { sums in
                for y in 0..<height {
                    let start = coefficients.starts[y] - rowOffset, k = y * coefficients.taps
                    sums.update(repeating: 1 << (precisionBits - 1))
                    for tap in 0..<coefficients.counts[y] {
                        let weight = coefficients.weights[k + tap]
                        let row = source.baseAddress! + (start + tap) * rowBytes
                        for byte in 0..<rowBytes {
                            sums[byte] &+= Int32(row[byte]) &* weight
                        }
                    }
                    for byte in 0..<rowBytes {
                        out[y * rowBytes + byte] = clip(sums[byte])
                    }
                }
            }
        }
        return RGBImage(width: image.width, height: height, pixels: out)
    }

    @inline(__always)
    private static func clip(_ value: Int32) -> UInt8 {
        UInt8(clamping: value >> Int32(precisionBits))
    }
}
