/// FAST-9 corners (Rosten & Drummond): a pixel is a corner when 9 contiguous pixels of the 16 on a
/// circle of radius 3 around it are all brighter, or all darker, than it by more than `threshold`.
/// Corners are thinned by non-maximum suppression on their FAST score, then ranked by the Harris
/// response, which prefers corners that stay put under blur and noise.
struct CornerDetector {
    /// A corner on one image: position and Harris response (larger: stronger).
    struct Corner {
        var x: Int
        var y: Int
        var response: Float
    }

    let threshold: Int
    /// Corners closer than this to an edge are skipped (descriptors need the room around them).
    let border: Int

    /// The circle of radius 3, clockwise from the top.
    private static let circle: [(Int, Int)] = [
        (0, -3), (1, -3), (2, -2), (3, -1), (3, 0), (3, 1), (2, 2), (1, 3),
        (0, 3), (-1, 3), (-2, 2), (-3, 1), (-3, 0), (-3, -1), (-2, -2), (-1, -3),
    ]

    /// At most `limit` corners of `image`, strongest first.
    func corners(in image: GrayImage, limit: Int) -> [Corner] {
        let margin = max(border, 4)
        guard image.width > 2 * margin, image.height > 2 * margin, limit > 0 else { return [] }
        let scores = fastScores(image, margin: margin)
        var found: [Corner] = []
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in margin..<(image.height - margin) {
                for x in margin..<(image.width - margin) where isLocalMaximum(scores, x: x, y: y, width: image.width) {
                    found.append(Corner(x: x, y: y, response: harrisResponse(pixels, x: x, y: y, width: image.width)))
                }
            }
        }
        found.sort { $0.response > $1.response }
        return Array(found.prefix(limit))
    }

    /// The FAST score of each pixel (0: not a corner): the sum of how far the circle's pixels pass
    /// the threshold on the corner's side.
    private func fastScores(_ image: GrayImage, margin: Int) -> [Int32] {
        let width = image.width
        let offsets = Self.circle.map { $0.1 * width + $0.0 }
        let (top, right, bottom, left) = (offsets[0], offsets[4], offsets[8], offsets[12])
        var scores = [Int32](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { pixels in
            offsets.withUnsafeBufferPointer { offsets in
                scores.withUnsafeMutableBufferPointer { scores in
                    for y in margin..<(image.height - margin) {
                        for index in (y * width + margin)..<(y * width + width - margin) {
                            let low = Int(pixels[index]) - threshold, high = Int(pixels[index]) + threshold
                            let cardinals = (pixels[index + top], pixels[index + right], pixels[index + bottom], pixels[index + left])
                            guard Self.mayHaveArc(cardinals, { Int($0) > high }) || Self.mayHaveArc(cardinals, { Int($0) < low }) else { continue }
                            scores[index] = fastScore(pixels, at: index, offsets: offsets)
                        }
                    }
                }
            }
        }
        return scores
    }

    /// Whether circle pixels 0, 4, 8 and 12 (`cardinals`) allow an arc of 9 that `passes`: any 9
    /// contiguous circle pixels include two neighbouring ones of them (0 and 4, 4 and 8, …), so
    /// 0 or 8 and 4 or 12 must pass, on the same side (brighter, or darker).
    @inline(__always)
    private static func mayHaveArc(_ cardinals: (UInt8, UInt8, UInt8, UInt8), _ passes: (UInt8) -> Bool) -> Bool {
        let (top, right, bottom, left) = (passes(cardinals.0), passes(cardinals.1), passes(cardinals.2), passes(cardinals.3))
        return (top || bottom) && (right || left)
    }

    private func fastScore(_ pixels: UnsafeBufferPointer<UInt8>, at index: Int, offsets: UnsafeBufferPointer<Int>) -> Int32 {
        let center = Int32(pixels[index])
        let high = center + Int32(threshold), low = center - Int32(threshold)
        var brighter: UInt32 = 0, darker: UInt32 = 0
        for bit in 0..<16 {
            let value = Int32(pixels[index + offsets[bit]])
            brighter |= UInt32(value > high ? 1 : 0) << UInt32(bit)
            darker |= UInt32(value < low ? 1 : 0) << UInt32(bit)
        }
        let isBright = Self.hasArcOfNine(brighter)
        guard isBright || Self.hasArcOfNine(darker) else { return 0 }
        var score: Int32 = 0
        for bit in 0..<16 {
            let value = Int32(pixels[index + offsets[bit]])
            score += isBright ? max(value - high, 0) : max(low - value, 0)
        }
        return score
    }

    /// Whether the 16-bit circular mask has 9 set bits in a row.
    private static func hasArcOfNine(_ mask: UInt32) -> Bool {
        var run = mask | (mask << 16)
        for _ in 0..<8 { run &= run >> 1 }
        return run != 0
    }

    private func isLocalMaximum(_ scores: [Int32], x: Int, y: Int, width: Int) -> Bool {
        let index = y * width + x
        let score = scores[index]
        guard score > 0 else { return false }
        for dy in -1...1 {
            for dx in -1...1 where dx != 0 || dy != 0 {
                let neighbour = scores[index + dy * width + dx]
                // Ties go to the first in raster order, so a plateau keeps exactly one corner.
                if neighbour > score || (neighbour == score && (dy < 0 || (dy == 0 && dx < 0))) { return false }
            }
        }
        return true
    }

    /// Harris response det(M) − 0.04·trace(M)² of the gradient moments over the 7×7 window.
    private func harrisResponse(_ pixels: UnsafeBufferPointer<UInt8>, x: Int, y: Int, width: Int) -> Float {
        var xx: Float = 0, yy: Float = 0, xy: Float = 0
        for row in (y - 3)...(y + 3) {
            for column in (x - 3)...(x + 3) {
                let index = row * width + column
                func at(_ dx: Int, _ dy: Int) -> Float { Float(pixels[index + dy * width + dx]) }
                let gx = (at(1, -1) + 2 * at(1, 0) + at(1, 1)) - (at(-1, -1) + 2 * at(-1, 0) + at(-1, 1))
                let gy = (at(-1, 1) + 2 * at(0, 1) + at(1, 1)) - (at(-1, -1) + 2 * at(0, -1) + at(1, -1))
                xx += gx * gx
                yy += gy * gy
                xy += gx * gy
            }
        }
        return xx * yy - xy * xy - 0.04 * (xx + yy) * (xx + yy)
    }
}
