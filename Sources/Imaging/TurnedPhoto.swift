import Foundation

/// A photo turned by a small angle inside a frame grown to hold it, the corners filled with one
/// colour: what an editor's "rotate" with the canvas expanded makes. Found from the four triangles
/// of fill, and cut out upright again, so that the network sees the photo and not the triangles
/// (which otherwise move its embedding far more than the turn itself: bench/retrieval's small
/// rotations, 0.39 → 0.06 from the original's embedding, median).
///
/// Found only when the fill's edges are four straight lines making a rectangle that touches every
/// side of the frame, turned by 1–45° either way; any other image is left as it is.
public struct TurnedPhoto: Sendable, Equatable {
    /// The photo's centre in the frame, pixel-centre coordinates.
    public let centerX: Double
    public let centerY: Double
    public let width: Double
    public let height: Double
    /// The turn of the photo's horizontal, in radians, clockwise as seen (y grows downwards).
    public let angle: Double

    static let minimumSide = 16.0
    /// Opposite sides may differ by this fraction of the longest side, plus `sideSlack` pixels…
    static let sideTolerance = 0.02
    static let sideSlack = 2.0
    /// …and adjacent sides' directions by this much from a right angle (its cosine).
    static let rightAngleTolerance = 0.035
    static let smallestTurn = 1.0 * Double.pi / 180
    /// Larger images are shrunk to this longer side before the search (the network sees 224 pixels of
    /// them): the work stays the same for any size, and an image of one colour throughout, whose
    /// every row and column is a run of fill, costs a million pixels at most.
    static let workingSide = 1024

    /// `image` with the turned photo in it cut out upright; nil when it holds none. Most photos stop
    /// at their corners, which are not one colour.
    public static func straightened(_ image: RGBImage) -> RGBImage? {
        guard image.width >= 2, image.height >= 2, FillRuns.cornerColour(of: image) != nil else { return nil }
        let longer = max(image.width, image.height)
        let working = longer <= workingSide ? image : image.resized(
            width: max(1, image.width * workingSide / longer), height: max(1, image.height * workingSide / longer), filter: .bilinear)
        return TurnedPhoto(in: working)?.upright(from: working)
    }

    /// The turned photo in `image`, or nil when `image` is not one.
    public init?(in image: RGBImage) {
        guard let runs = FillRuns(image), let corners = Self.corners(from: runs) else { return nil }
        self.init(corners: corners, frameWidth: Double(runs.width), frameHeight: Double(runs.height))
    }

    /// From the photo's corners: the one on the frame's top edge, then the right, bottom and left.
    private init?(corners: [(x: Double, y: Double)], frameWidth: Double, frameHeight: Double) {
        let sides = (0..<4).map { index in
            let (from, to) = (corners[index], corners[(index + 1) % 4])
            return (x: to.x - from.x, y: to.y - from.y)
        }
        let lengths = sides.map { ($0.x * $0.x + $0.y * $0.y).squareRoot() }
        let slack = Self.sideTolerance * lengths.max()! + Self.sideSlack
        guard lengths.min()! >= Self.minimumSide, abs(lengths[0] - lengths[2]) <= slack, abs(lengths[1] - lengths[3]) <= slack else { return nil }
        for index in 0..<4 {
            let (a, b) = (sides[index], sides[(index + 1) % 4])
            guard abs(a.x * b.x + a.y * b.y) <= Self.rightAngleTolerance * lengths[index] * lengths[(index + 1) % 4] else { return nil }
        }
        guard Self.touchesEveryEdge(corners, frameWidth: frameWidth, frameHeight: frameHeight) else { return nil }
        // The side from the top corner to the right one falls to the right, by 0–90°: under 45° it is
        // the photo's top (turned clockwise), over it the photo's right side (turned anticlockwise).
        let fall = atan2(sides[0].y, sides[0].x)
        let isClockwise = fall <= .pi / 4
        angle = isClockwise ? fall : fall - .pi / 2
        guard abs(angle) >= Self.smallestTurn else { return nil }
        width = isClockwise ? (lengths[0] + lengths[2]) / 2 : (lengths[1] + lengths[3]) / 2
        height = isClockwise ? (lengths[1] + lengths[3]) / 2 : (lengths[0] + lengths[2]) / 2
        centerX = corners.reduce(0) { $0 + $1.x } / 4
        centerY = corners.reduce(0) { $0 + $1.y } / 4
    }

    /// Whether the corners lie on the frame's top, right, bottom and left edges (within 1 % + 2 px).
    private static func touchesEveryEdge(_ corners: [(x: Double, y: Double)], frameWidth: Double, frameHeight: Double) -> Bool {
        let slack = 0.01 * max(frameWidth, frameHeight) + 2
        return abs(corners[0].y) <= slack && abs(corners[1].x - (frameWidth - 1)) <= slack
            && abs(corners[2].y - (frameHeight - 1)) <= slack && abs(corners[3].x) <= slack
    }

    /// The photo cut out of `image` (the frame it was found in) and turned upright, sampled
    /// bilinearly at its own scale; a pixel-wide border is left out, where the fill blends in.
    public func upright(from image: RGBImage) -> RGBImage {
        let outWidth = max(1, Int(width.rounded()) - 2), outHeight = max(1, Int(height.rounded()) - 2)
        let (cosine, sine) = (cos(angle), sin(angle))
        var pixels = [UInt8](repeating: 0, count: outWidth * outHeight * 3)
        for row in 0..<outHeight {
            for column in 0..<outWidth {
                let u = Double(column) + 0.5 - Double(outWidth) / 2, v = Double(row) + 0.5 - Double(outHeight) / 2
                let x = centerX + u * cosine - v * sine, y = centerY + u * sine + v * cosine
                Self.sample(image, x: x, y: y, into: &pixels, at: (row * outWidth + column) * 3)
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: pixels)
    }

    /// Bilinear interpolation of `image` at (`x`, `y`), clamped to its edges.
    private static func sample(_ image: RGBImage, x: Double, y: Double, into pixels: inout [UInt8], at offset: Int) {
        let x = min(max(x, 0), Double(image.width - 1)), y = min(max(y, 0), Double(image.height - 1))
        let x0 = Int(x), y0 = Int(y), x1 = min(x0 + 1, image.width - 1), y1 = min(y0 + 1, image.height - 1)
        let fx = x - Double(x0), fy = y - Double(y0)
        for channel in 0..<3 {
            func value(_ px: Int, _ py: Int) -> Double { Double(image.pixels[(py * image.width + px) * 3 + channel]) }
            let upper = value(x0, y0) * (1 - fx) + value(x1, y0) * fx, lower = value(x0, y1) * (1 - fx) + value(x1, y1) * fx
            pixels[offset + channel] = UInt8((upper * (1 - fy) + lower * fy).rounded())
        }
    }

    // MARK: Finding the corners

    /// The photo's four corners (top, right, bottom, left), each where two fitted edges of the fill
    /// meet; nil when the runs do not trace four edges.
    private static func corners(from runs: FillRuns) -> [(x: Double, y: Double)]? {
        guard let rough = roughCorners(from: runs) else { return nil }
        let (w, h) = (Double(runs.width), Double(runs.height))
        // Each side, seen from the two frame edges it faces: the end of a column's run from the top
        // or bottom (t = x), or of a row's run from the left or right (t = y), and which way a run
        // made longer by photo pixels of the fill's colour moves it.
        let fromTop: RunEnd = ({ Double(runs.top[$0]) - 0.5 }, 1), fromBottom: RunEnd = ({ h - Double(runs.bottom[$0]) - 0.5 }, -1)
        let fromLeft: RunEnd = ({ Double(runs.left[$0]) - 0.5 }, 1), fromRight: RunEnd = ({ w - Double(runs.right[$0]) - 0.5 }, -1)
        let topRight = side(rough[0], rough[1], columns: fromTop, rows: fromRight)
        let rightBottom = side(rough[1], rough[2], columns: fromBottom, rows: fromRight)
        let bottomLeft = side(rough[2], rough[3], columns: fromBottom, rows: fromLeft)
        let leftTop = side(rough[3], rough[0], columns: fromTop, rows: fromLeft)
        guard let topRight, let rightBottom, let bottomLeft, let leftTop,
            let top = leftTop.intersection(with: topRight), let right = topRight.intersection(with: rightBottom),
            let bottom = rightBottom.intersection(with: bottomLeft), let left = bottomLeft.intersection(with: leftTop)
        else { return nil }
        return [top, right, bottom, left]
    }

    /// Where a run from one frame edge ends, by row or column index, and the sign of the change a
    /// longer run makes.
    private typealias RunEnd = (position: (Int) -> Double, inward: Double)

    /// The corners roughly: the middle of the photo's first and last rows and columns.
    private static func roughCorners(from runs: FillRuns) -> [(x: Double, y: Double)]? {
        let rows = runs.left.indices.filter { runs.left[$0] < runs.width }
        let columns = runs.top.indices.filter { runs.top[$0] < runs.height }
        guard let firstRow = rows.first, let lastRow = rows.last, let firstColumn = columns.first, let lastColumn = columns.last,
            Double(rows.count) >= minimumSide, Double(columns.count) >= minimumSide
        else { return nil }
        func rowMiddle(_ y: Int) -> Double { Double(runs.left[y] + runs.width - 1 - runs.right[y]) / 2 }
        func columnMiddle(_ x: Int) -> Double { Double(runs.top[x] + runs.height - 1 - runs.bottom[x]) / 2 }
        return [
            (rowMiddle(firstRow), Double(firstRow)), (Double(lastColumn), columnMiddle(lastColumn)),
            (rowMiddle(lastRow), Double(lastRow)), (Double(firstColumn), columnMiddle(firstColumn)),
        ]
    }

    /// The edge between rough corners `from` and `to`, fitted along the longer of its two extents
    /// (columns when it is nearer horizontal), on the middle 80 % of it: the runs are clean there.
    private static func side(_ from: (x: Double, y: Double), _ to: (x: Double, y: Double), columns: RunEnd, rows: RunEnd) -> BoundaryLine? {
        let alongX = abs(to.x - from.x) >= abs(to.y - from.y)
        let (start, end) = alongX ? (min(from.x, to.x), max(from.x, to.x)) : (min(from.y, to.y), max(from.y, to.y))
        let margin = 0.1 * (end - start)
        let first = Int(start + margin) + 1, last = Int(end - margin) - 1
        guard first <= last else { return nil }
        let seen = alongX ? columns : rows
        return BoundaryLine(samples: (first...last).map { (Double($0), seen.position($0)) }, inward: seen.inward, alongX: alongX)
    }
}
