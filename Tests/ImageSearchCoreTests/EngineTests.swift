import Encoder
import Foundation
import ImageSearchCore
import Imaging
import LocalFeatures
import Logging
import SearchBackend
import Synchronization
import Testing
import TestSupport

/// The engine on the real encoder and a brute-force in-memory backend.
@Suite struct EngineTests {
    static let encoder = Result { try TestModels.encoder("efficientnet-lite0", threads: 2, recipe: .retrieval) }

    private func makeEngine(backend: InMemoryBackend = InMemoryBackend(), maxImageBytes: Int = 64 << 20) throws -> ImageSearchEngine {
        ImageSearchEngine(
            encoder: try Self.encoder.get(), provider: backend,
            configuration: EngineConfiguration(maxImageBytes: maxImageBytes), logger: Logger(label: "test"))
    }

    private func photos() throws -> [ImageSubmission] {
        try Fixtures.goldenStems.map { ImageSubmission(data: try Fixtures.photo($0), name: "/photos/\($0)") }
    }

    /// Collections record the recipe in their model identity. The older recipes' lines are the ones
    /// earlier versions recorded, so their data directories open with those recipes.
    @Test func theRecipeIsPartOfTheModelIdentity() throws {
        let reference = ImageSearchEngine.identity(of: try TestModels.encoder("efficientnet-lite0"))
        let retrieval = ImageSearchEngine.identity(of: try Self.encoder.get())
        let manifest = try Self.encoder.get().manifest
        let firstRetrieval = ImageSearchEngine.identity(of: manifest, dimension: retrieval.dimension, recipe: .retrievalV1)
        #expect(reference.preprocessing == "center-crop 0.875, bicubic, 224, (x-127.0)*0.0078125")
        #expect(firstRetrieval.preprocessing == "whole-image, bicubic, 224, (x-127.0)*0.0078125, gem 3.0 pooling, length 1, low-pass 0.01")
        #expect(retrieval.preprocessing == firstRetrieval.preprocessing + ", turned photos straightened")
        #expect(reference.weightsSHA256 == retrieval.weightsSHA256)
    }

    @Test func addingIsIdempotentByContent() async throws {
        let engine = try makeEngine()
        let first = try await engine.add(try photos())
        #expect(first.allSatisfy { $0.status == .added })
        #expect(Set(first.map(\.id)).count == 5)
        let again = try await engine.add(try photos())
        #expect(again.map(\.status) == Array(repeating: .unchanged, count: 5))
        #expect(again.map(\.id) == first.map(\.id))
        let renamed = try await engine.add([ImageSubmission(data: try Fixtures.photo("coffee"), name: "/elsewhere/coffee.png")])
        #expect(renamed[0].status == .unchanged)
        #expect(renamed[0].name == "/photos/coffee")
        #expect(try await engine.statistics().backend.count == 5)
    }

    @Test func newContentUnderATakenNameReplacesTheOldImage() async throws {
        let engine = try makeEngine()
        let old = try await engine.add([ImageSubmission(data: try Fixtures.photo("rocket"), name: "/photos/latest")])[0]
        let new = try await engine.add([ImageSubmission(data: try Fixtures.photo("coffee"), name: "/photos/latest")])[0]
        #expect(new.status == .added)
        #expect(new.replacedID == old.id)
        #expect(try await engine.image(.name("/photos/latest")).id == new.id)
        await #expect(throws: EngineError.self) { try await engine.image(.id(old.id)) }
    }

    @Test func identicalImagesWithinOneRequestAreStoredOnce() async throws {
        let engine = try makeEngine()
        let data = try Fixtures.photo("chelsea")
        let outcomes = try await engine.add([ImageSubmission(data: data, name: "a"), ImageSubmission(data: data, name: "b")])
        #expect(outcomes.map(\.status) == [.added, .unchanged])
        #expect(outcomes[1].id == outcomes[0].id)
        #expect(try await engine.statistics().imagesEncoded == 2)
    }

    @Test func badImagesFailAloneWithTheirReason() async throws {
        let engine = try makeEngine(maxImageBytes: 300_000)
        let submissions = [
            ImageSubmission(data: Data("not an image".utf8), name: "text"),
            ImageSubmission(data: try Fixtures.photo("rocket"), name: "good"),
            ImageSubmission(data: Data(), name: "empty"),
            ImageSubmission(data: try Fixtures.photo("astronaut"), name: "big"),
            ImageSubmission(data: try Fixtures.photo("chelsea").prefix(20_000), name: "cut"),
        ]
        let outcomes = try await engine.add(submissions)
        func reason(_ outcome: AddOutcome) -> String? {
            if case .failed(let error) = outcome.status { return error.code.rawValue }
            return nil
        }
        #expect(outcomes.map(reason) == ["unsupported_format", nil, "empty_image", "image_too_large", reason(outcomes[4])])
        #expect(["truncated_image", "corrupt_image"].contains(reason(outcomes[4]) ?? ""))
        #expect(try await engine.statistics().backend.count == 1)
    }

    @Test func unnamedImagesAreNamedAfterTheirContent() async throws {
        let engine = try makeEngine()
        let outcome = try await engine.add([ImageSubmission(data: try Fixtures.photo("coffee"))])[0]
        #expect(outcome.name.hasPrefix("sha256:"))
        #expect(try await engine.image(.name(outcome.name)).contentSHA256 == String(outcome.name.dropFirst(7)))
    }

    @Test func searchFindsTheImageAndItsCopies() async throws {
        let engine = try makeEngine()
        _ = try await engine.add(try photos())
        let original = try TestImages.photo("motorcycle_left")
        let copies = [original.flippedHorizontally(), original.rotated(degrees: 10), original.centerCropped(keeping: 0.8)]
        for copy in copies {
            let hits = try await engine.search(.image(TestImages.jpeg(copy, quality: 85)), topK: 3)
            #expect(hits.first?.name == "/photos/motorcycle_left")
        }
        let exact = try await engine.search(.image(try Fixtures.photo("motorcycle_left")), topK: 5, verify: false)
        #expect(exact.count == 5)
        #expect(exact[0].distance < 1e-3)
        #expect(zip(exact, exact.dropFirst()).allSatisfy { $0.distance <= $1.distance })
    }

    /// A photo stored upright is found from a quarter-turned copy only when search matches rotations,
    /// and each stored image appears once however many views matched it.
    @Test(arguments: [ExifOrientation.rotatedClockwise, .down, .rotatedCounterClockwise])
    func quarterTurnedCopiesAreFoundWhenMatchingRotations(turn: ExifOrientation) async throws {
        let engine = try makeEngine()
        _ = try await engine.add(try photos())
        let turned = TestImages.jpeg(turn.apply(to: try TestImages.photo("motorcycle_left")), quality: 95)
        let matched = try await engine.search(.image(turned), topK: 5, matchRotations: true, verify: false)
        let upright = try await engine.search(.image(turned), topK: 5, matchRotations: false, verify: false)
        #expect(matched.first?.name == "/photos/motorcycle_left")
        #expect(matched[0].distance < upright[0].distance / 2)
        #expect(Set(matched.map(\.id)).count == matched.count)
        #expect(zip(matched, matched.dropFirst()).allSatisfy { $0.distance <= $1.distance })
    }

    /// A verified search turns the query only when its upright view does not find the query's scene
    /// upright: an upright edited copy gets exactly the upright search's results, a sideways copy
    /// (verified, but turned) and a photo of nothing stored get the turned views' fused distances.
    @Test func verifiedSearchesTurnTheQueryOnlyWhenTheUprightViewFindsNothingUpright() async throws {
        let engine = try makeEngine()
        _ = try await engine.add(try photos().filter { $0.name != "/photos/rocket" })
        let edited = TestImages.jpeg(try TestImages.photo("astronaut").rotated(degrees: 15).centerCropped(keeping: 0.8), quality: 80)
        let cascaded = try await engine.search(.image(edited), topK: 4, matchRotations: true, verify: true)
        let uprightOnly = try await engine.search(.image(edited), topK: 4, matchRotations: false, verify: true)
        let allViews = try await engine.search(.image(edited), topK: 4, matchRotations: true, verify: false)
        #expect(cascaded.first?.name == "/photos/astronaut")
        #expect(cascaded == uprightOnly)
        #expect(allViews.map(\.distance) != uprightOnly.map(\.distance), "the turned views change some distance")

        let motorcycle = try TestImages.photo("motorcycle_left")
        let sideways = TestImages.jpeg(ExifOrientation.rotatedClockwise.apply(to: motorcycle), quality: 95)
        let turned = try await engine.search(.image(sideways), topK: 4, matchRotations: true, verify: true)
        let turnedUnverified = try await engine.search(.image(sideways), topK: 4, matchRotations: true, verify: false)
        #expect(turned.first?.name == "/photos/motorcycle_left")
        #expect((turned.first?.inliers ?? 0) >= GeometricVerifier.verifiedInliers)
        #expect(turned.first?.distance == turnedUnverified.first?.distance)

        let unknown = TestImages.jpeg(ExifOrientation.down.apply(to: try TestImages.photo("rocket")), quality: 95)
        let searched = try await engine.search(.image(unknown), topK: 4, matchRotations: true, verify: true)
        let unverified = try await engine.search(.image(unknown), topK: 4, matchRotations: true, verify: false)
        #expect(searched.allSatisfy { $0.inliers != nil && $0.inliers! < GeometricVerifier.verifiedInliers })
        let distances = { (hits: [SearchHit]) in Dictionary(uniqueKeysWithValues: hits.map { ($0.id, $0.distance) }) }
        #expect(distances(searched) == distances(unverified), "the same hits at the fused distances, ordered with their chance inliers")
    }

    /// Verification marks the photo an edited copy was made from (turned, cropped, recompressed)
    /// with enough inliers to count as the same scene and puts it first; the other photos stay under
    /// the threshold. Without it, no result carries an inlier count.
    @Test func verificationMarksTheSourceOfAnEditedCopy() async throws {
        let engine = try makeEngine()
        _ = try await engine.add(try photos())
        let copy = TestImages.jpeg(try TestImages.photo("rocket").rotated(degrees: 20).centerCropped(keeping: 0.7), quality: 30)
        let verified = try await engine.search(.image(copy), topK: 5, verify: true)
        #expect(verified.first?.name == "/photos/rocket")
        #expect((verified.first?.inliers ?? 0) >= GeometricVerifier.verifiedInliers)
        #expect(verified.count == 5)
        #expect(verified.dropFirst().allSatisfy { ($0.inliers ?? .max) < GeometricVerifier.verifiedInliers })
        let plain = try await engine.search(.image(copy), topK: 5, verify: false)
        #expect(plain.allSatisfy { $0.inliers == nil })
        #expect(Set(plain.map(\.id)) == Set(verified.map(\.id)))
    }

    /// The same-scene cut-off keeps only the verified source of an edited copy, and refuses a search
    /// it cannot apply to rather than return unverified results.
    @Test func minInliersKeepsOnlyVerifiedResults() async throws {
        let engine = try makeEngine()
        _ = try await engine.add(try photos())
        let copy = TestImages.jpeg(try TestImages.photo("coffee").rotated(degrees: -15).centerCropped(keeping: 0.8), quality: 40)
        let sameScene = try await engine.search(.image(copy), topK: 5, minInliers: GeometricVerifier.verifiedInliers)
        #expect(sameScene.map(\.name) == ["/photos/coffee"])
        #expect((sameScene.first?.inliers ?? 0) >= GeometricVerifier.verifiedInliers)
        let loose = try await engine.search(.image(copy), topK: 5, minInliers: 1)
        #expect(loose.count > 1)
        #expect(loose.allSatisfy { ($0.inliers ?? 0) >= 1 })
        for refused in [
            { try await engine.search(.image(copy), verify: false, minInliers: 12) },
            { try await engine.search(.image(copy), minInliers: 0) },
            { try await engine.search(.vector(try await engine.embed(copy)), minInliers: 12) },
        ] as [() async throws -> [SearchHit]] {
            let error = await #expect(throws: EngineError.self) { try await refused() }
            #expect(error?.kind == .invalidArgument)
        }
    }

    /// A collection set not to verify: its searches carry no inliers unless a request asks, images
    /// added to it keep no local features, and the setting is read back when the collection is
    /// opened again (by a new engine: a restart).
    @Test func aCollectionSetNotToVerify() async throws {
        let backend = InMemoryBackend()
        let engine = try makeEngine(backend: backend)
        #expect(try await engine.statistics().verify)
        #expect(try await engine.configure(verify: false) == false)
        let added = try await engine.add(try photos())
        #expect(try await backend.localFeatures(ids: added.map(\.id)).isEmpty)
        let restarted = try makeEngine(backend: backend)
        #expect(try await restarted.statistics().verify == false)
        #expect(try await restarted.configure(verify: nil) == false)
        let copy = TestImages.jpeg(try TestImages.photo("rocket"), quality: 50)
        #expect(try await restarted.search(.image(copy), topK: 3).allSatisfy { $0.inliers == nil })
        let asked = try await restarted.search(.image(copy), topK: 3, verify: true)
        #expect(asked.allSatisfy { $0.inliers == nil }, "images added while off have no features to verify with")
        await #expect(throws: EngineError.self) { try await restarted.search(.image(copy), minInliers: 12) }
        #expect(try await restarted.configure(verify: true))
        let readded = try await restarted.add([ImageSubmission(data: try Fixtures.photo("rocket"), name: "rocket again")])
        #expect(readded.first?.status == .unchanged)
        #expect(try await backend.localFeatures(ids: readded.map(\.id)).isEmpty, "stored images do not gain features")
        let stored = try await restarted.add([ImageSubmission(data: copy, name: "rocket copy")])
        #expect(try await backend.localFeatures(ids: stored.map(\.id)).count == 1)
    }

    /// A stored image used as the query is verified with its stored features: it matches itself
    /// keypoint for keypoint.
    @Test func searchByStoredImageVerifiesWithItsStoredFeatures() async throws {
        let engine = try makeEngine()
        _ = try await engine.add(try photos())
        let hits = try await engine.search(.name("/photos/coffee"), topK: 3, verify: true)
        #expect(hits.first?.name == "/photos/coffee")
        #expect((hits.first?.inliers ?? 0) > 200)
    }

    /// Edited copies group with their original, and unrelated photos stay out of every group.
    @Test func duplicateGroupsGatherEachPhotoWithItsCopies() async throws {
        let engine = try makeEngine()
        let originals = try await engine.add(try photos())
        let rocket = try TestImages.photo("rocket"), coffee = try TestImages.photo("coffee")
        let copies = try await engine.add([
            ImageSubmission(data: TestImages.jpeg(rocket.rotated(degrees: 15), quality: 40), name: "rocket-turned"),
            ImageSubmission(data: TestImages.png(rocket.centerCropped(keeping: 0.6)), name: "rocket-cropped"),
            ImageSubmission(data: TestImages.jpeg(coffee.flippedHorizontally()), name: "coffee-mirrored"),
        ])
        let reports = Mutex<[(Int, Int)]>([])
        let groups = try await engine.duplicateGroups { checked, total in reports.withLock { $0.append((checked, total)) } }
        let id = { (stem: String) in originals[Fixtures.goldenStems.firstIndex(of: stem)!].id }
        #expect(groups.map { $0.members.map(\.id) } == [[id("coffee"), copies[2].id], [id("rocket"), copies[0].id, copies[1].id]].sorted { $0[0] < $1[0] })
        #expect(groups.flatMap(\.members).first { $0.id == copies[2].id }?.name == "coffee-mirrored")
        #expect(reports.withLock { $0.last.map { [$0.0, $0.1] } } == [8, 8])
    }

    @Test func searchByStoredImageDoesNotEncode() async throws {
        let engine = try makeEngine()
        let added = try await engine.add(try photos())
        let before = try await engine.statistics().imagesEncoded
        let byID = try await engine.search(.id(added[2].id), topK: 2)
        let byName = try await engine.search(.name("/photos/coffee"), topK: 2)
        #expect(byID.first?.id == added[2].id)
        #expect(byName.map(\.id) == byID.map(\.id))
        #expect(try await engine.statistics().imagesEncoded == before)
    }

    @Test func searchArgumentsAreChecked() async throws {
        let engine = try makeEngine()
        _ = try await engine.add(try photos())
        await #expect(throws: EngineError.self) { try await engine.search(.vector([1, 2, 3])) }
        await #expect(throws: EngineError.self) { try await engine.search(.id(999)) }
        await #expect(throws: EngineError.self) { try await engine.search(.name("x"), topK: 0) }
        let near = try await engine.search(.name("/photos/rocket"), topK: 5, maxDistance: 0.01)
        #expect(near.map(\.name) == ["/photos/rocket"])
    }

    @Test func removeByIDAndName() async throws {
        let engine = try makeEngine()
        let added = try await engine.add(try photos())
        let result = try await engine.remove(ids: [added[0].id, 4242], names: ["/photos/rocket", "/nope"])
        #expect(result.removed == [added[0].id, added[4].id].sorted())
        #expect(Set(result.notFound) == ["4242", "/nope"])
        #expect(try await engine.statistics().backend.count == 3)
    }

    @Test func storageFailuresFailTheImagesAndStoreNothing() async throws {
        let backend = InMemoryBackend()
        let engine = try makeEngine(backend: backend)
        backend.failWrites(with: BackendError(.diskFull, "no space left on /data"))
        let outcomes = try await engine.add(try photos())
        for outcome in outcomes {
            guard case .failed(let error) = outcome.status else { Issue.record("expected a failure"); continue }
            #expect(error.code.rawValue == "disk_full")
            #expect(error.kind == .resourceExhausted)
        }
        backend.failWrites(with: nil)
        #expect(try await engine.statistics().backend.count == 0)
        #expect(try await engine.add(try photos()).allSatisfy { $0.status == .added })
    }

    @Test func aCollectionOfAnotherModelIsRefused() async throws {
        let backend = InMemoryBackend()
        _ = try await backend.open(collection: "default", model: ModelIdentity(name: "other", weightsSHA256: "00", dimension: 1280, preprocessing: ""), index: IndexSpec())
        let engine = try makeEngine(backend: backend)
        let error = await #expect(throws: EngineError.self) { try await engine.open() }
        #expect(error?.code.rawValue == "model_mismatch")
        #expect(error?.kind == .failedPrecondition)
    }

    /// Concurrent requests are all served and encoded exactly once each (batched together).
    @Test func concurrentAdds() async throws {
        let engine = try makeEngine()
        let base = try TestImages.photo("astronaut")
        let images = (0..<24).map { ImageSubmission(data: TestImages.jpeg(base.rotated(degrees: Double($0)), quality: 80), name: "copy-\($0)") }
        let outcomes = try await withThrowingTaskGroup(of: [AddOutcome].self) { group in
            for index in images.indices { group.addTask { try await engine.add([images[index]]) } }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(outcomes.filter { $0.status == .added }.count == 24)
        #expect(try await engine.statistics().imagesEncoded == 24)
    }
}
