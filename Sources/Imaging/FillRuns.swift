/// How far one colour, the colour of all four corners, reaches into an image from each edge: per
/// row from the left and from the right, per column from the top and from the bottom. A photo turned
/// inside a frame grown to fit it leaves four triangles of fill, and these runs trace their edges.
struct FillRuns {
    let width: Int
    let height: Int
    /// Per row, fill pixels from the left edge (`width` when the whole row is fill).
    let left: [Int]
    let right: [Int]
    /// Per column, fill pixels from the top edge (`height` when the whole column is fill).
    let top: [Int]
    let bottom: [Int]

    /// A pixel is fill when no channel differs from the fill colour by more than this: JPEG
    /// recompression moves a flat area by a few levels.
    static let tolerance = 12

    /// The runs of `image`, or nil when its four corners are not one colour.
    init?(_ image: RGBImage) {
        guard image.width >= 2, image.height >= 2, let fill = Self.cornerColour(of: image) else { return nil }
        let (width, height) = (image.width, image.height)
        func isFill(_ x: Int, _ y: Int) -> Bool {
            let at = (y * width + x) * 3
            return (0..<3).allSatisfy { abs(Int(image.pixels[at + $0]) - fill[$0]) <= Self.tolerance }
        }
        func run(length: Int, _ isFillAt: (Int) -> Bool) -> Int {
            var count = 0
            while count < length, isFillAt(count) { count += 1 }
            return count
        }
        self.width = width
        self.height = height
        left = (0..<height).map { y in run(length: width) { isFill($0, y) } }
        right = (0..<height).map { y in run(length: width) { isFill(width - 1 - $0, y) } }
        top = (0..<width).map { x in run(length: height) { isFill(x, $0) } }
        bottom = (0..<width).map { x in run(length: height) { isFill(x, height - 1 - $0) } }
    }

    /// The median colour of the four corner pixels, when all four are within `tolerance` of it.
    static func cornerColour(of image: RGBImage) -> [Int]? {
        let corners = [(0, 0), (image.width - 1, 0), (0, image.height - 1), (image.width - 1, image.height - 1)].map { x, y in
            (0..<3).map { Int(image.pixels[(y * image.width + x) * 3 + $0]) }
        }
        let median = (0..<3).map { channel in
            let values = corners.map { $0[channel] }.sorted()
            return (values[1] + values[2]) / 2
        }
        let agree = corners.allSatisfy { corner in (0..<3).allSatisfy { abs(corner[$0] - median[$0]) <= tolerance } }
        return agree ? median : nil
    }
}
