import Encoder
import Foundation
import Testing
import TestSupport

@Suite struct GoldenFeatureTests {
    @Test(arguments: Fixtures.goldenStems)
    func efficientNetLite0MatchesReference(stem: String) throws {
        let encoder = try ImageEncoder(modelDirectory: try ModelLocator.locate("efficientnet-lite0"))
        let input = VectorMath.nchwToNHWC(try Fixtures.floats("golden/efficientnet-lite0/\(stem).input.f32"), size: 224)
        let expected = try Fixtures.floats("golden/efficientnet-lite0/\(stem).feat.f32")
        let features = encoder.features(for: [input])[0]
        #expect(VectorMath.cosine(features, expected) >= 0.99999)
        #expect(VectorMath.maxAbsDifference(features, expected) <= 1e-3)
    }
}
