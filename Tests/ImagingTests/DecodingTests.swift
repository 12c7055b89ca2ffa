import Foundation
import Imaging
import Testing
import TestSupport

@Suite struct DecodingTests {
    let pattern = TestImages.pattern(width: 96, height: 64)

    private func decode(_ data: Data, minimumSide: Int = .max, limits: DecodingLimits = .init()) throws -> RGBImage {
        try data.withUnsafeBytes { try ImageDecoder.decode($0, minimumSide: minimumSide, limits: limits) }
    }

    private func meanDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
        zip(a.pixels, b.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(a.pixels.count)
    }

    @Test func formatsAreRecognisedByContent() {
        let detected: [ImageFormat?] = [TestImages.jpeg(pattern), TestImages.png(pattern), TestImages.webp(pattern), Data("GIF89a......".utf8)]
            .map { $0.withUnsafeBytes(ImageFormat.detect) }
        #expect(detected == [.jpeg, .png, .webp, nil])
    }

    @Test func jpegPNGAndWebPDecodeToTheSamePicture() throws {
        let png = try decode(TestImages.png(pattern))
        #expect(png == pattern)
        #expect(meanDifference(try decode(TestImages.jpeg(pattern)), pattern) < 3)
        #expect(meanDifference(try decode(TestImages.webp(pattern)), pattern) < 4)
    }

    @Test func grayscaleJPEGBecomesGrayRGB() throws {
        let image = try decode(TestImages.jpeg(pattern, grayscale: true))
        #expect(image.width == 96 && image.height == 64)
        let pixels = image.pixels
        let isGray = stride(from: 0, to: pixels.count, by: 3).allSatisfy { (at: Int) -> Bool in
            pixels[at] == pixels[at + 1] && pixels[at] == pixels[at + 2]
        }
        #expect(isGray)
    }

    @Test func cmykJPEGIsConvertedToRGB() throws {
        let image = try decode(TestImages.invertedCMYKJPEG(pattern))
        #expect(meanDifference(image, pattern) < 3)
    }

    @Test func pngTransparencyIsCompositedOntoWhite() throws {
        var rgba = [UInt8](repeating: 0, count: 8 * 8 * 4)
        for pixel in 0..<64 { rgba[pixel * 4 + 3] = pixel < 32 ? 0 : 255 }
        let image = try decode(TestImages.png(pixels: rgba, width: 8, height: 8, format: .rgba))
        #expect(image.pixels[0..<3] == [255, 255, 255])
        #expect(image.pixels[32 * 3..<32 * 3 + 3] == [0, 0, 0])
    }

    @Test func webpTransparencyIsCompositedOntoWhite() throws {
        let alpha = (0..<(96 * 64)).map { $0 % 96 < 48 ? UInt8(0) : 255 }
        let image = try decode(TestImages.webp(pattern, alpha: alpha))
        #expect(image.pixels[0..<3] == [255, 255, 255])
        #expect(image.pixels[95 * 3] == pattern.pixels[95 * 3])
    }

    @Test func sixteenBitAndGrayPNGsAreReduced() throws {
        let sixteen = [UInt8](repeating: 0xFF, count: 4 * 4 * 3 * 2)
        let white = try decode(TestImages.png(pixels: sixteen, width: 4, height: 4, format: .linearRGB))
        #expect(white.pixels.allSatisfy { $0 == 255 })
        let gray = try decode(TestImages.png(pixels: [UInt8](repeating: 77, count: 16), width: 4, height: 4, format: .gray))
        #expect(gray.pixels.allSatisfy { $0 == 77 })
    }

    /// Each EXIF orientation turns the stored pixels upright: the pattern's marked top-left quarter must
    /// land where the orientation says.
    @Test(arguments: 1...8)
    func exifOrientationIsApplied(orientation: Int) throws {
        let stored = TestImages.pattern(width: 80, height: 40)
        let image = try decode(TestImages.jpeg(stored, quality: 98, orientation: orientation))
        let swaps = orientation >= 5
        #expect((image.width, image.height) == (swaps ? (40, 80) : (80, 40)))
        let reference = ExifOrientation(rawValue: orientation)!.apply(to: stored)
        #expect(meanDifference(image, reference) < 3)
    }

    @Test func largeJPEGsAreDecodedAtAReducedScale() throws {
        let big = TestImages.pattern(width: 1920, height: 1080)
        let image = try decode(TestImages.jpeg(big), minimumSide: 256)
        #expect(image.width == 480 && image.height == 270)
        let full = try decode(TestImages.jpeg(big))
        #expect(full.width == 1920 && full.height == 1080)
    }
}
