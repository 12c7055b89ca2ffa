/// FAST-9 corners (Rosten & Drummond): a pixel is a corner when 9 contiguous pixels of the 16 on a
/// circle of radius 3 around it are all brighter, or all darker, than it by more than `threshold`.
/// Corners are thinned by non-maximum suppression on their FAST score, then ranked by the Harris
/// response, which prefers corners that stay put under blur and noise.
public struct CornerDetector: Sendable {
    /// A corner on one image: position and Harris response (larger: stronger).
    public struct Corner: Equatable, Sendable {
        public var x: Int
        public var y: Int
        public var response: Float

        public init(x: Int, y: Int, response: Float) {
            self.x = x
            self.y = y
            self.response = response
        }
    }

    public let threshold: Int
    /// Corners closer than this to an edge are skipped (descriptors need the room around them).
    public let border: Int

    public init(threshold: Int, border: Int) {
        self.threshold = threshold
        self.border = border
    }

    /// The circle of radius 3, clockwise from the top.
    private static let circle: [(Int, Int)] = [
        (0, -3), (1, -3), (2, -2), (3, -1), (3, 0), (3, 1), (2, 2), (1, 3),
        (0, 3), (-1, 3), (-2, 2), (-3, 1), (-3, 0), (-3, -1), (-2, -2), (-1, -3),
    ]

    /// At most `limit` corners of `image`, strongest first (the first in raster order among equals).
    public func corners(in image: GrayImage, limit: Int) -> [Corner] {
        let margin = max(border, 4)
        guard image.width > 2 * margin, image.height > 2 * margin, limit > 0 else { return [] }
        let padded = image.pixels + Self.readPadding
        let scores = fastScores(padded, width: image.width, height: image.height, margin: margin)
        var found: [Corner] = []
        padded.withUnsafeBufferPointer { pixels in
            scores.withUnsafeBufferPointer { scores in
                for y in margin..<(image.height - margin) {
                    // Sixteen at a time past the pixels that scored 0: most of them.
                    for start in stride(from: margin, to: image.width - margin, by: 16) {
                        let end = min(start + 16, image.width - margin)
                        if end - start == 16, Self.isZero(Self.load(scores.baseAddress! + y * image.width + start)) { continue }
                        for x in start..<end where isLocalMaximum(scores, x: x, y: y, width: image.width) {
                            found.append(Corner(x: x, y: y, response: harrisResponse(pixels, x: x, y: y, width: image.width)))
                        }
                    }
                }
            }
        }
        return Self.strongest(found, limit: limit)
    }

    /// The `limit` strongest of `corners` (in raster order), strongest first and the first in raster
    /// order among equals: what sorting them all gives, without sorting the weak ones (a level has
    /// thousands of FAST maxima and keeps tens).
    private static func strongest(_ corners: [Corner], limit: Int) -> [Corner] {
        var kept: [Corner] = []
        kept.reserveCapacity(min(limit, corners.count) + 1)
        for corner in corners {
            if kept.count == limit, corner.response <= kept[limit - 1].response { continue }
            // After every kept corner at least as strong: those come first in raster order.
            var low = 0, high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if kept[middle].response >= corner.response { low = middle + 1 } else { high = middle }
            }
            kept.insert(corner, at: low)
            if kept.count > limit { kept.removeLast() }
        }
        return kept
    }

    /// Zero bytes after an image's pixels while corners are found: the vector loads of the last rows
    /// (`fastScores(_:circle:)`, `integers(_:)`) read up to 18 pixels past a row's last corner, which
    /// on a narrow image with a small border is past its last pixel (those lanes are discarded).
    private static let readPadding = [UInt8](repeating: 0, count: 32)

    /// The FAST score of each pixel of an image of `width × height` `pixels` (0: not a corner): the
    /// sum of how far the circle's pixels pass the threshold on the corner's side (at most 16 · 255,
    /// so 16 bits hold it). Sixteen pixels of a row at a time (`fastScores(_:circle:)`): scoring every
    /// pixel is the largest part of finding local features.
    private func fastScores(_ pixels: [UInt8], width: Int, height: Int, margin: Int) -> [Int16] {
        let circle = Self.circle.map { $0.1 * width + $0.0 }
        var scores = [Int16](repeating: 0, count: width * height)
        pixels.withUnsafeBufferPointer { pixels in
            scores.withUnsafeMutableBufferPointer { scores in
                for y in margin..<(height - margin) {
                    for x in stride(from: margin, to: width - margin, by: 16) {
                        let index = y * width + x
                        let chunk = fastScores(pixels.baseAddress! + index, circle: circle)
                        guard !Self.isZero(chunk) else { continue }
                        let lanes = min(16, width - margin - x)
                        if lanes == 16 {
                            UnsafeMutableRawPointer(scores.baseAddress! + index).storeBytes(of: chunk, as: SIMD16<Int16>.self)
                        } else {
                            for lane in 0..<lanes { scores[index + lane] = chunk[lane] }
                        }
                    }
                }
            }
        }
        return scores
    }

    /// The FAST scores of the 16 pixels from `center` on (`circle`: the circle's offsets): reads 3
    /// rows above and below them, and 3 + 15 pixels past the first.
    private func fastScores(_ center: UnsafePointer<UInt8>, circle: [Int]) -> SIMD16<Int16> {
        let middle = Self.load16(center)
        let high = middle &+ Int16(threshold), low = middle &- Int16(threshold)
        guard mayHaveArcs(center, circle: circle, high: high, low: low) else { return .zero }
        var brighter = SIMD16<UInt16>.zero, darker = SIMD16<UInt16>.zero
        var brightSum = SIMD16<Int16>.zero, darkSum = SIMD16<Int16>.zero
        for bit in 0..<16 {
            let value = Self.load16(center + circle[bit])
            brighter |= SIMD16<UInt16>.zero.replacing(with: 1 << UInt16(bit), where: value .> high)
            darker |= SIMD16<UInt16>.zero.replacing(with: 1 << UInt16(bit), where: value .< low)
            brightSum &+= (value &- high).replacing(with: 0, where: value .<= high)
            darkSum &+= (low &- value).replacing(with: 0, where: value .>= low)
        }
        // A pixel cannot have arcs of nine on both sides: that takes 18 of the 16 circle pixels.
        return brightSum & Self.lanesSet(where: Self.arcsOfNine(brighter)) | darkSum & Self.lanesSet(where: Self.arcsOfNine(darker))
    }

    /// All ones in the lanes where `value` is not 0, zero elsewhere: a lane mask made by integer
    /// arithmetic, which stays in one vector register (a mask from `.!=` was built lane by lane on the
    /// stack, three quarters of the scoring's time on AVX2).
    @inline(__always)
    private static func lanesSet(where value: SIMD16<UInt16>) -> SIMD16<Int16> {
        SIMD16<Int16>(truncatingIfNeeded: value | (0 &- value)) &>> 15
    }

    /// Whether any of the 16 pixels from `center` on may be a corner: an arc of nine holds two
    /// neighbouring compass pixels of the circle (top, right, bottom, left), so a pixel with fewer
    /// than two of them past the threshold on one side is none. Most of an image is flat, and these
    /// four comparisons rule it out before the other twelve.
    @inline(__always)
    private func mayHaveArcs(_ center: UnsafePointer<UInt8>, circle: [Int], high: SIMD16<Int16>, low: SIMD16<Int16>) -> Bool {
        var brighter = SIMD16<Int16>.zero, darker = SIMD16<Int16>.zero
        for bit in stride(from: 0, to: 16, by: 4) {
            let value = Self.load16(center + circle[bit])
            brighter &+= SIMD16<Int16>.zero.replacing(with: 1, where: value .> high)
            darker &+= SIMD16<Int16>.zero.replacing(with: 1, where: value .< low)
        }
        return !Self.isZero((brighter &>> 1) | (darker &>> 1))
    }

    /// Sixteen scores from `scores` on.
    @inline(__always)
    private static func load(_ scores: UnsafePointer<Int16>) -> SIMD16<Int16> {
        UnsafeRawPointer(scores).loadUnaligned(as: SIMD16<Int16>.self)
    }

    /// Sixteen pixels widened to 16 bits, so that adding the threshold cannot overflow.
    @inline(__always)
    private static func load16(_ pixels: UnsafePointer<UInt8>) -> SIMD16<Int16> {
        let bytes = UnsafeRawPointer(pixels).loadUnaligned(as: SIMD16<UInt8>.self)
        var widened = SIMD16<Int16>()
        for lane in 0..<16 { widened[lane] = Int16(bytes[lane]) }
        return widened
    }

    /// For each 16-bit circular mask, its bits that start 9 set bits in a row (0: no arc of nine).
    /// An arc and a mask rotated by its length combine into an arc twice as long.
    @inline(__always)
    private static func arcsOfNine(_ masks: SIMD16<UInt16>) -> SIMD16<UInt16> {
        let two = masks & rotated(masks, by: 1)
        let four = two & rotated(two, by: 2)
        let eight = four & rotated(four, by: 4)
        return eight & rotated(masks, by: 8)
    }

    /// Each 16-bit lane turned right by `count` bits: bit i takes bit i + `count` (mod 16).
    @inline(__always)
    private static func rotated(_ value: SIMD16<UInt16>, by count: UInt16) -> SIMD16<UInt16> {
        value &>> count | value &<< (16 - count)
    }

    /// Whether all 16 lanes are 0, tested on four 64-bit words: `max()` and `==` on the vector are
    /// calls or lane-by-lane loops on AVX2.
    @inline(__always)
    private static func isZero(_ value: SIMD16<Int16>) -> Bool {
        let words = unsafeBitCast(value, to: SIMD4<UInt64>.self)
        return words[0] | words[1] | words[2] | words[3] == 0
    }

    private func isLocalMaximum(_ scores: UnsafeBufferPointer<Int16>, x: Int, y: Int, width: Int) -> Bool {
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

    /// Harris response det(M) − 0.04·trace(M)² of the gradient moments over the 7×7 window, summed
    /// exactly in integers; the gradients of a window row are found together (`sobelRow`).
    private func harrisResponse(_ pixels: UnsafeBufferPointer<UInt8>, x: Int, y: Int, width: Int) -> Float {
        var xx = SIMD8<Int32>(), yy = SIMD8<Int32>(), xy = SIMD8<Int32>()
        for row in (y - 3)...(y + 3) {
            let (gx, gy) = Self.sobelRow(pixels.baseAddress! + row * width + x - 4, width: width)
            xx &+= gx &* gx
            yy &+= gy &* gy
            xy &+= gx &* gy
        }
        let (sxx, syy, sxy) = (Float(xx.wrappedSum()), Float(yy.wrappedSum()), Float(xy.wrappedSum()))
        return sxx * syy - sxy * sxy - 0.04 * (sxx + syy) * (sxx + syy)
    }

    /// The Sobel gradients (x, y) at the 7 pixels from `start + 1` on; lane 7 is 0.
    @inline(__always)
    private static func sobelRow(_ start: UnsafePointer<UInt8>, width: Int) -> (SIMD8<Int32>, SIMD8<Int32>) {
        let above = integers(start - width), middle = integers(start), below = integers(start + width)
        let left = above.left &+ 2 &* middle.left &+ below.left, right = above.right &+ 2 &* middle.right &+ below.right
        let top = above.left &+ 2 &* above.center &+ above.right, bottom = below.left &+ 2 &* below.center &+ below.right
        let inWindow = SIMD8<Int32>(-1, -1, -1, -1, -1, -1, -1, 0)
        return ((right &- left) & inWindow, (bottom &- top) & inWindow)
    }

    /// Pixels `start[0..<8]`, `start[1..<9]` and `start[2..<10]` widened.
    @inline(__always)
    private static func integers(_ start: UnsafePointer<UInt8>) -> (left: SIMD8<Int32>, center: SIMD8<Int32>, right: SIMD8<Int32>) {
        let bytes = UnsafeRawPointer(start).loadUnaligned(as: SIMD16<UInt8>.self)
        var left = SIMD8<Int32>(), center = SIMD8<Int32>(), right = SIMD8<Int32>()
        for lane in 0..<8 {
            left[lane] = Int32(bytes[lane])
            center[lane] = Int32(bytes[lane + 1])
            right[lane] = Int32(bytes[lane + 2])
        }
        return (left, center, right)
    }
}
