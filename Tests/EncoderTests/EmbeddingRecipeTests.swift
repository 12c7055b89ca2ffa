import Encoder
import Foundation
import Imaging
import Testing
import TestSupport

/// The recipes pool the same head map the golden tests check: GeM with p = 1 is the average, larger
/// powers sit above it channel by channel (the power-mean inequality), and the retrieval recipe's
/// vectors have length 1, see the whole frame and equal an independent ONNX Runtime + numpy
/// computation from the photo files (scripts/reference/lite0_retrieval_descriptors.py).
@Suite struct EmbeddingRecipeTests {
    @Test(arguments: Fixtures.goldenStems)
    func retrievalVectorsMatchTheReference(stem: String) throws {
        let vector = try TestModels.encoder("efficientnet-lite0", recipe: .retrieval).embed([Fixtures.photo(stem)])[0].get()
        let expected = try Fixtures.floats("reference/efficientnet-lite0-retrieval/\(stem).descriptor.f32")
        #expect(VectorMath.cosine(vector, expected) >= 0.99999)
        #expect(VectorMath.maxAbsDifference(vector, expected) <= 1e-4)
    }

    private func features(_ recipe: EmbeddingRecipe, stem: String = "chelsea") throws -> [Float] {
        let input = VectorMath.nchwToNHWC(try Fixtures.floats("golden/efficientnet-lite0/\(stem).input.f32"), size: 224)
        return try TestModels.encoder("efficientnet-lite0", recipe: recipe).features(for: [input])[0]
    }

    @Test func generalizedMeanOfPowerOneIsTheAverage() throws {
        let average = try features(.reference)
        let gem1 = try features(EmbeddingRecipe(mode: nil, pooling: .generalizedMean(power: 1), normalizesLength: false))
        #expect(VectorMath.maxAbsDifference(average, gem1) <= 1e-4)
    }

    @Test(arguments: [Float(2), 3, 4])
    func generalizedMeansWeighTheStrongestResponsesMore(power: Float) throws {
        let average = try features(.reference)
        let gem = try features(EmbeddingRecipe(mode: nil, pooling: .generalizedMean(power: power), normalizesLength: false))
        #expect(zip(gem, average).allSatisfy { $0 >= $1 - 1e-5 })
        #expect(zip(gem, average).filter { $0 > $1 * 1.2 }.count > gem.count / 4)
    }

    /// A copy turned inside a grown grey frame embeds near its source once straightened; the first
    /// retrieval recipe, which sees the grey corners, puts it several times farther.
    @Test(arguments: ["chelsea", "rocket"])
    func aTurnedCopyEmbedsNearItsSource(stem: String) throws {
        let photo = try TestImages.photo(stem)
        let copy = TestImages.jpeg(photo.turnedInGrownFrame(degrees: 18, fill: (128, 128, 128)), quality: 95)
        func distance(_ recipe: EmbeddingRecipe) throws -> Float {
            let vectors = try TestModels.encoder("efficientnet-lite0", recipe: recipe).embed([try Fixtures.photo(stem), copy]).map { try $0.get() }
            return zip(vectors[0], vectors[1]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        let straightened = try distance(.retrieval), unstraightened = try distance(.retrievalV1)
        #expect(straightened < 0.15)
        #expect(unstraightened > 3 * straightened)
    }

    @Test func theRetrievalRecipeFramesTheWholeImage() throws {
        let encoder = try TestModels.encoder("efficientnet-lite0", recipe: .retrieval)
        #expect(encoder.preprocessing.mode == .wholeImage)
        #expect(encoder.manifest.preprocessing.mode == .centerCrop)
    }
}
