import Encoder
import Foundation
import Imaging
import Testing
import TestSupport

@Suite struct BatchTests {
    /// A batch gives each image the features it gets alone, whatever the thread count and however the
    /// batch is split into passes.
    @Test(arguments: [1, 2])
    func batchesMatchSingleImages(threads: Int) throws {
        let encoder = try TestModels.encoder("efficientnet-lite0", threads: threads)
        let photos = try Fixtures.goldenStems.map(Fixtures.photo)
        let batch = photos + photos + photos  // 15 images: two passes of 7–8 per thread
        let batched = encoder.embed(batch).map { try! $0.get() }
        for (index, photo) in photos.enumerated() {
            let alone = try #require(try encoder.embed([photo]).first?.get())
            for copy in 0..<3 {
                #expect(VectorMath.maxAbsDifference(batched[copy * photos.count + index], alone) < 1e-5)
            }
        }
    }

    /// A lone image's layers split over several threads (in parts of rows, pixels or weight panels)
    /// give exactly the features one thread computes, for both models' block shapes.
    @Test(arguments: ["efficientnet-lite0", "mobilenet-v2"], [2, 3])
    func splitLayersGiveOneThreadsFeatures(model: String, threads: Int) throws {
        let oneThread = try TestModels.encoder(model)
        let split = try TestModels.encoder(model, threads: threads)
        for photo in try Fixtures.goldenStems.map(Fixtures.photo) {
            #expect(try split.embed([photo])[0].get() == oneThread.embed([photo])[0].get())
        }
    }

    /// A bad image fails alone; the good ones around it still get their features.
    @Test func badImagesFailIndividually() throws {
        let encoder = try TestModels.encoder("efficientnet-lite0")
        let good = try Fixtures.photo("coffee")
        let results = encoder.embed([good, Data("not an image".utf8), good, Data()])
        #expect(try results[0].get() == results[2].get())
        #expect(throws: ImagingError.self) { try results[1].get() }
        if case .failure(let error) = results[1] { #expect(error.code == .unsupportedFormat) }
        if case .failure(let error) = results[3] { #expect(error.code == .empty) }
    }

    @Test func emptyBatch() throws {
        let encoder = try TestModels.encoder("efficientnet-lite0")
        #expect(encoder.embed([]).isEmpty)
    }

    /// Whole-image mode is selectable by the recipe and sees the borders a centre crop drops.
    @Test func wholeImageModeChangesWhatTheNetworkSees() throws {
        let photo = try Fixtures.photo("astronaut")
        let crop = try #require(try TestModels.encoder("efficientnet-lite0").embed([photo]).first?.get())
        let wholeImage = EmbeddingRecipe(mode: .wholeImage, pooling: .average, normalizesLength: false)
        let whole = try #require(try TestModels.encoder("efficientnet-lite0", recipe: wholeImage).embed([photo]).first?.get())
        let cosine = VectorMath.cosine(crop, whole)
        #expect(cosine < 0.999 && cosine > 0.7)
    }
}
