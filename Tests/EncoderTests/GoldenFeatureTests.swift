import Encoder
import Foundation
import Imaging
import Testing
import TestSupport

/// The native network computes the reference implementation's function: same features from the same
/// input tensors, for both models and all five golden photos.
///
/// MobileNetV2 is compared with `Fixtures/reference/mobilenet-v2`, features computed by an independent
/// numpy re-execution of the test model (scripts/reference/mobilenet_v2_float.py): the shared golden
/// features for that model were made from a different .tflite file (see the README, "Models").
@Suite struct GoldenFeatureTests {
    static let lite0 = Result { try TestModels.encoder("efficientnet-lite0") }
    static let mobileNet = Result { try TestModels.encoder("mobilenet-v2") }

    @Test(arguments: Fixtures.goldenStems)
    func efficientNetLite0MatchesReference(stem: String) throws {
        let input = VectorMath.nchwToNHWC(try Fixtures.floats("golden/efficientnet-lite0/\(stem).input.f32"), size: 224)
        let expected = try Fixtures.floats("golden/efficientnet-lite0/\(stem).feat.f32")
        let features = try Self.lite0.get().features(for: [input])[0]
        #expect(VectorMath.cosine(features, expected) >= 0.99999)
        #expect(VectorMath.maxAbsDifference(features, expected) <= 1e-3)
    }

    @Test(arguments: Fixtures.goldenStems)
    func mobileNetV2MatchesReference(stem: String) throws {
        let encoder = try Self.mobileNet.get()
        let pixels = try Fixtures.data("golden/mobilenet-v2/\(stem).input_u8_nhwc.bin")
        let preprocessing = encoder.manifest.preprocessing
        let input = pixels.map { (Float($0) - preprocessing.mean) * preprocessing.scale }
        let expected = try Fixtures.floats("reference/mobilenet-v2/\(stem).feat.f32")
        let features = encoder.features(for: [input])[0]
        #expect(VectorMath.cosine(features, expected) >= 0.99999)
        #expect(VectorMath.maxAbsDifference(features, expected) <= 1e-3)
    }

    /// With the classifier head loaded, the cat photo is a cat (ImageNet 281–285). (The MobileNetV2 test
    /// file carries a retrained 5-class head instead of ImageNet's, so only EfficientNet-Lite0 can say.)
    @Test func chelseaIsACat() throws {
        let encoder = try Self.lite0.get()
        let features = try #require(try encoder.embed([Fixtures.photo("chelsea")]).first?.get())
        let logits = try #require(encoder.network.logits(for: features))
        let offset = encoder.manifest.classifier?.firstImageNetClass ?? 0
        let top = logits.indices.max { logits[$0] < logits[$1] }! - offset
        #expect((281...285).contains(top), "top-1 class \(top)")
    }

    /// From the photo file, through this project's decoding and resizing, to features: equal to the
    /// reference pipeline's (Pillow) to cosine 0.999, the JPEG decoded at a reduced DCT scale included.
    @Test(arguments: Fixtures.goldenStems)
    func photoFilesGiveTheReferenceFeatures(stem: String) throws {
        let expected = try Fixtures.floats("golden/efficientnet-lite0/\(stem).feat.f32")
        let features = try #require(try Self.lite0.get().embed([Fixtures.photo(stem)]).first?.get())
        #expect(VectorMath.cosine(features, expected) >= 0.999)
    }

    @Test(arguments: Fixtures.goldenStems)
    func mobileNetPhotoFilesGiveTheReferenceFeatures(stem: String) throws {
        let expected = try Fixtures.floats("reference/mobilenet-v2/\(stem).feat.f32")
        let features = try #require(try Self.mobileNet.get().embed([Fixtures.photo(stem)]).first?.get())
        #expect(VectorMath.cosine(features, expected) >= 0.999)
    }
}
