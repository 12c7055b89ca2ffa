import Imaging
import Testing
import TestSupport

/// The centre-crop recipe must reproduce the golden input tensors, which were made with Pillow. Only the
/// PNG photos can match pixel for pixel: the JPEG one is decoded here at a reduced DCT scale, which the
/// encoder tests check at the level that matters (the features).
@Suite struct ReferencePreprocessingTests {
    static let lite0 = Preprocessing(mode: .centerCrop, cropFraction: 0.875, filter: .bicubic, size: 224, mean: 127, scale: 1 / 128)

    @Test(arguments: Fixtures.goldenStems.filter { $0 != "rocket" })
    func centerCropMatchesPillowWithinOneLevel(stem: String) throws {
        let golden = try Fixtures.floats("golden/efficientnet-lite0/\(stem).input.f32")
        let tensor = try Fixtures.photo(stem).withUnsafeBytes { try Preprocessor(Self.lite0).tensor(from: $0) }
        let expected = VectorMath.nchwToNHWC(golden, size: 224)
        let levels = zip(tensor, expected).map { abs($0 - $1) * 128 }
        #expect(levels.max()! <= 1.01, "largest difference \(levels.max()!) levels")
        #expect(Double(levels.filter { $0 > 0.5 }.count) / Double(levels.count) < 0.02)
    }

    /// MobileNetV2's recipe (centre crop, bilinear) against its golden 8-bit inputs.
    @Test(arguments: Fixtures.goldenStems.filter { $0 != "rocket" })
    func bilinearCenterCropMatchesPillowWithinOneLevel(stem: String) throws {
        let golden = [UInt8](try Fixtures.data("golden/mobilenet-v2/\(stem).input_u8_nhwc.bin"))
        let preprocessing = Preprocessing(mode: .centerCrop, cropFraction: 0.875, filter: .bilinear, size: 224, mean: 0, scale: 1)
        let resized = try Fixtures.photo(stem).withUnsafeBytes { try Preprocessor(preprocessing).resized(from: $0) }
        let levels = zip(resized.pixels, golden).map { abs(Int($0) - Int($1)) }
        #expect(levels.max()! <= 1)
    }

    @Test func wholeImageModeKeepsTheWholeFrame() throws {
        let image = TestImages.pattern(width: 400, height: 200)
        let preprocessing = Self.lite0.with(mode: .wholeImage)
        let resized = try TestImages.png(image).withUnsafeBytes { try Preprocessor(preprocessing).resized(from: $0) }
        #expect(resized.width == 224 && resized.height == 224)
        // The pattern's red channel runs 0…255 across the full width; a crop would cut both ends off.
        #expect(resized.pixels[0] < 4)
        #expect(resized.pixels[(224 - 1) * 3] > 251)
    }

    @Test func normalisationUsesTheManifestScale() throws {
        let gray = RGBImage(width: 300, height: 300, pixels: [UInt8](repeating: 255, count: 300 * 300 * 3))
        let tensor = try TestImages.png(gray).withUnsafeBytes { try Preprocessor(Self.lite0).tensor(from: $0) }
        #expect(tensor.count == 224 * 224 * 3)
        #expect(tensor.allSatisfy { abs($0 - 1) < 1e-6 })
    }
}
