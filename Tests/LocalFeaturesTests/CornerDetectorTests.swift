import Imaging
import LocalFeatures
import Testing
import TestSupport

/// The detector scores sixteen pixels at a time and sums the Harris moments in vectors; it must find
/// exactly the corners of the plain definition, written here one pixel at a time.
@Suite struct CornerDetectorTests {
    static let thresholds = [6, 12]

    @Test(arguments: Fixtures.goldenStems, thresholds)
    func photosGiveTheCornersOfTheDefinition(stem: String, threshold: Int) throws {
        let image = GrayImage(try TestImages.photo(stem), maxSide: 512)
        Self.expectDefinitionCorners(in: image, threshold: threshold, atLeast: 100)
    }

    /// Widths that are not a multiple of 16 (the last chunk of a row is partly outside the margin),
    /// the smallest images with room for a corner (with the extractor's border, and with none: then
    /// the last rows' loads reach past the image), and white squares on black, whose corners have
    /// the strongest gradients there are.
    @Test(arguments: thresholds)
    func oddSizesAndExtremeContrastGiveTheCornersOfTheDefinition(threshold: Int) throws {
        let photo = GrayImage(try TestImages.photo("chelsea"), maxSide: 512)
        for (width, height) in [(45, 60), (57, 41), (33, 33), (100, 37)] {
            Self.expectDefinitionCorners(in: Self.cropped(photo, width: width, height: height), threshold: threshold)
        }
        for (width, height) in [(9, 9), (14, 11), (23, 30)] {
            Self.expectDefinitionCorners(in: Self.cropped(photo, width: width, height: height), threshold: threshold, border: 0)
        }
        let squares = GrayImage(width: 203, height: 150, pixels: (0..<(203 * 150)).map { $0 % 203 % 20 < 12 && $0 / 203 % 20 < 12 ? 255 : 0 })
        Self.expectDefinitionCorners(in: squares, threshold: threshold, atLeast: 4 * 35)
    }

    private static func expectDefinitionCorners(
        in image: GrayImage, threshold: Int, border: Int = 16, atLeast: Int = 0, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let detector = CornerDetector(threshold: threshold, border: border)
        let expected = definitionCorners(in: image, threshold: threshold, border: border)
        #expect(detector.corners(in: image, limit: .max) == expected, "\(image.width)×\(image.height), threshold \(threshold)", sourceLocation: sourceLocation)
        #expect(detector.corners(in: image, limit: 25) == Array(expected.prefix(25)), sourceLocation: sourceLocation)
        #expect(expected.count >= atLeast, "\(expected.count) corners to compare", sourceLocation: sourceLocation)
    }

    private static func cropped(_ image: GrayImage, width: Int, height: Int) -> GrayImage {
        GrayImage(width: width, height: height, pixels: (0..<height).flatMap { row in image.pixels[(row * image.width)..<(row * image.width + width)] })
    }

    /// FAST-9 scores, a 3×3 non-maximum suppression (ties to the first in raster order), the Harris
    /// response over 7×7 Sobel gradients, strongest first.
    private static func definitionCorners(in image: GrayImage, threshold: Int, border: Int) -> [CornerDetector.Corner] {
        let margin = max(border, 4)
        guard image.width > 2 * margin, image.height > 2 * margin else { return [] }
        func pixel(_ x: Int, _ y: Int) -> Int { Int(image.pixels[y * image.width + x]) }
        var scores = [[Int]](repeating: [Int](repeating: 0, count: image.width), count: image.height)
        for y in margin..<(image.height - margin) {
            for x in margin..<(image.width - margin) {
                scores[y][x] = fastScore(circle: circle.map { pixel(x + $0.0, y + $0.1) }, center: pixel(x, y), threshold: threshold)
            }
        }
        var corners: [CornerDetector.Corner] = []
        for y in margin..<(image.height - margin) {
            for x in margin..<(image.width - margin) where scores[y][x] > 0 {
                let neighbours = [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)]
                let isMaximum = neighbours.allSatisfy { dx, dy in
                    let other = scores[y + dy][x + dx]
                    return other < scores[y][x] || (other == scores[y][x] && (dy > 0 || (dy == 0 && dx > 0)))
                }
                if isMaximum { corners.append(CornerDetector.Corner(x: x, y: y, response: harris(x, y, pixel))) }
            }
        }
        return corners.enumerated().sorted { ($1.element.response, $0.offset) < ($0.element.response, $1.offset) }.map(\.element)
    }

    private static let circle = [
        (0, -3), (1, -3), (2, -2), (3, -1), (3, 0), (3, 1), (2, 2), (1, 3), (0, 3), (-1, 3), (-2, 2), (-3, 1), (-3, 0), (-3, -1), (-2, -2), (-1, -3),
    ]

    /// The sum of how far the circle passes the threshold on the side where 9 contiguous pixels do;
    /// 0 when neither side has such an arc.
    private static func fastScore(circle values: [Int], center: Int, threshold: Int) -> Int {
        for isBright in [true, false] {
            let passes = values.map { isBright ? $0 > center + threshold : $0 < center - threshold }
            let hasArc = (0..<16).contains { start in (0..<9).allSatisfy { passes[(start + $0) % 16] } }
            if hasArc { return values.reduce(0) { $0 + max(isBright ? $1 - center - threshold : center - threshold - $1, 0) } }
        }
        return 0
    }

    private static func harris(_ x: Int, _ y: Int, _ pixel: (Int, Int) -> Int) -> Float {
        var xx = 0, yy = 0, xy = 0
        for row in (y - 3)...(y + 3) {
            for column in (x - 3)...(x + 3) {
                let gx = pixel(column + 1, row - 1) + 2 * pixel(column + 1, row) + pixel(column + 1, row + 1)
                    - pixel(column - 1, row - 1) - 2 * pixel(column - 1, row) - pixel(column - 1, row + 1)
                let gy = pixel(column - 1, row + 1) + 2 * pixel(column, row + 1) + pixel(column + 1, row + 1)
                    - pixel(column - 1, row - 1) - 2 * pixel(column, row - 1) - pixel(column + 1, row - 1)
                xx += gx * gx
                yy += gy * gy
                xy += gx * gy
            }
        }
        let (sxx, syy, sxy) = (Float(xx), Float(yy), Float(xy))
        return sxx * syy - sxy * sxy - 0.04 * (sxx + syy) * (sxx + syy)
    }
}
