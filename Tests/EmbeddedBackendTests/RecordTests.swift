import EmbeddedBackend
import Foundation
import SearchBackend
import Testing

/// The record store behind the index: what goes in comes out, ids are never reused, names are unique.
@Suite struct RecordTests {
    @Test func insertedImagesCanBeFoundByIdNameAndHash() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 8)
        let images = TestVectors.images(TestVectors.random(count: 3, dimension: 8, seed: 1))
        let ids = try await backend.insert(images)
        #expect(ids.count == 3)

        let byID = try #require(try await backend.image(id: ids[1], includeVector: true))
        #expect(byID == ImageRecord(id: ids[1], name: images[1].name, contentSHA256: images[1].contentSHA256, metadata: images[1].metadata, vector: images[1].vector))
        let withoutVector = try #require(try await backend.image(id: ids[1], includeVector: false))
        #expect(withoutVector.vector == nil)
        #expect(try await backend.image(name: images[2].name, includeVector: false)?.id == ids[2])
        #expect(try await backend.image(contentSHA256: images[0].contentSHA256)?.name == images[0].name)
        #expect(try await backend.image(name: "missing", includeVector: false) == nil)
        #expect(try await backend.image(id: 999, includeVector: false) == nil)
        #expect(try await backend.image(contentSHA256: String(repeating: "0", count: 64)) == nil)
        try await backend.close()
    }

    /// Local features are opaque bytes to the store: kept with their image, across a reopen, and
    /// removed with it; read on one thread or in runs on several.
    @Test(arguments: [1, 2])
    func localFeaturesAreKeptAndRemovedWithTheirImage(searchThreads: Int) async throws {
        let directory = try TemporaryDirectory()
        var images = TestVectors.images(TestVectors.random(count: 3, dimension: 4, seed: 3))
        images[0].localFeatures = Data((0..<20_000).map { UInt8($0 % 251) })
        images[1].localFeatures = Data([1, 2, 3])
        let backend = try await TestCollection.open(in: directory, dimension: 4)
        let ids = try await backend.insert(images)
        try await backend.close()

        let reopened = try await TestCollection.open(in: directory, dimension: 4, searchThreads: searchThreads)
        let stored = try await reopened.localFeatures(ids: ids + [999])
        #expect(stored == [ids[0]: images[0].localFeatures!, ids[1]: images[1].localFeatures!])
        _ = try await reopened.remove(ids: [ids[0]])
        #expect(try await reopened.localFeatures(ids: ids) == [ids[1]: images[1].localFeatures!])
        try await reopened.close()
    }

    /// A collection's settings start empty, are kept across a reopen, and damaged ones are an error
    /// naming the file rather than silently lost.
    @Test func settingsAreKeptAcrossAReopen() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 4)
        #expect(try await backend.settings() == CollectionSettings())
        try await backend.save(CollectionSettings(verify: false))
        try await backend.close()

        let reopened = try await TestCollection.open(in: directory, dimension: 4)
        #expect(try await reopened.settings() == CollectionSettings(verify: false))
        try await reopened.close()
        try StoreTampering.execute("UPDATE meta SET value = 'not json' WHERE key = 'settings'", on: directory.collectionFile("records.sqlite"))
        let damaged = try await TestCollection.open(in: directory, dimension: 4)
        let error = await #expect(throws: BackendError.self) { try await damaged.settings() }
        #expect(error?.code == .storageFailure)
        #expect(error?.message.contains("records.sqlite") == true)
        try await damaged.close()
    }

    /// Two images with the same content: the lookup by hash answers the older one.
    @Test func hashLookupReturnsTheOldestImage() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 4)
        let vector: [Float] = [1, 2, 3, 4]
        let first = try await backend.insert([NewImage(name: "a.jpg", contentSHA256: "aa", metadata: [:], vector: vector)])
        _ = try await backend.insert([NewImage(name: "copy-of-a.jpg", contentSHA256: "aa", metadata: [:], vector: vector)])
        #expect(try await backend.image(contentSHA256: "aa")?.id == first[0])
        try await backend.close()
    }

    @Test func removeReturnsOnlyTheIdsThatExisted() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 8)
        let ids = try await backend.insert(TestVectors.images(TestVectors.random(count: 4, dimension: 8, seed: 2)))
        let removed = try await backend.remove(ids: [ids[0], ids[2], 12_345, ids[2]])
        #expect(removed == [ids[0], ids[2]])
        #expect(try await backend.image(id: ids[0], includeVector: false) == nil)
        #expect(try await backend.image(name: "image-2", includeVector: false) == nil)
        #expect(try await backend.image(id: ids[1], includeVector: false) != nil)
        #expect(try await backend.statistics().count == 2)
        #expect(try await backend.remove(ids: [ids[0]]).isEmpty)
        try await backend.close()
    }

    /// Removing the newest image and reopening must not hand its id out again.
    @Test func idsIncreaseAndAreNeverReused() async throws {
        let directory = try TemporaryDirectory()
        var backend = try await TestCollection.open(in: directory, dimension: 8)
        let vectors = TestVectors.random(count: 6, dimension: 8, seed: 3)
        let images = TestVectors.images(vectors)
        let first = try await backend.insert(Array(images[0..<3]))
        #expect(first == first.sorted() && Set(first).count == 3)
        _ = try await backend.remove(ids: [first[2]])
        let second = try await backend.insert([images[3]])
        #expect(second[0] > first[2])
        _ = try await backend.remove(ids: [second[0]])
        try await backend.close()

        backend = try await TestCollection.open(in: directory, dimension: 8)
        let third = try await backend.insert([images[4]])
        #expect(third[0] > second[0])
        try await backend.close()
    }

    @Test func namesAreUniqueAndAFailedBatchLeavesNothingBehind() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 4)
        let image = { (name: String) in NewImage(name: name, contentSHA256: name, metadata: [:], vector: [1, 0, 0, 0]) }
        _ = try await backend.insert([image("a")])

        let taken = await #expect(throws: BackendError.self) { try await backend.insert([image("b"), image("a")]) }
        #expect(taken?.code == .nameTaken)
        #expect(taken?.message.contains("'a'") == true)
        let twice = await #expect(throws: BackendError.self) { try await backend.insert([image("c"), image("c")]) }
        #expect(twice?.code == .nameTaken)

        #expect(try await backend.image(name: "b", includeVector: false) == nil)
        #expect(try await backend.image(name: "c", includeVector: false) == nil)
        #expect(try await backend.statistics().count == 1)
        #expect(try await backend.search([1, 0, 0, 0], topK: 10, maxDistance: nil).map(\.name) == ["a"])
        try await backend.close()
    }

    @Test func vectorsOfTheWrongLengthAreRefused() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 4)
        let short = NewImage(name: "short", contentSHA256: "00", metadata: [:], vector: [1, 2, 3])
        let insertError = await #expect(throws: BackendError.self) { try await backend.insert([short]) }
        #expect(insertError?.code == .invalidArgument)
        let searchError = await #expect(throws: BackendError.self) { try await backend.search([1, 2, 3, 4, 5], topK: 1, maxDistance: nil) }
        #expect(searchError?.code == .invalidArgument)
        let notANumber = NewImage(name: "nan", contentSHA256: "00", metadata: [:], vector: [1, .nan, 3, 4])
        let nanError = await #expect(throws: BackendError.self) { try await backend.insert([notANumber]) }
        #expect(nanError?.code == .invalidArgument)
        #expect(try await backend.statistics().count == 0)
        try await backend.close()
    }

    @Test func metadataWithUnusualCharactersSurvives() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 2)
        let metadata = ["path": "/photos/été 2024/\"quoted\".jpg", "empty": "", "emoji": "📷"]
        let ids = try await backend.insert([NewImage(name: "/photos/été 2024/\"quoted\".jpg", contentSHA256: "ab", metadata: metadata, vector: [1, 1])])
        #expect(try await backend.image(id: ids[0], includeVector: false)?.metadata == metadata)
        #expect(try await backend.search([1, 1], topK: 1, maxDistance: nil).first?.metadata == metadata)
        try await backend.close()
    }

    @Test func closedCollectionsRefuseCalls() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 2)
        try await backend.close()
        try await backend.close()
        let error = await #expect(throws: BackendError.self) { try await backend.search([1, 1], topK: 1, maxDistance: nil) }
        #expect(error?.code == .storageFailure)
        await #expect(throws: BackendError.self) { try await backend.insert([NewImage(name: "x", contentSHA256: "00", metadata: [:], vector: [1, 1])]) }
    }
}
