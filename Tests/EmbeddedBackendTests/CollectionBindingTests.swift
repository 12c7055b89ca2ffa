import EmbeddedBackend
import Foundation
import SearchBackend
import Testing

/// A collection belongs to the model that created it; indexes and names the backend cannot serve are
/// refused before anything is written.
@Suite struct CollectionBindingTests {
    @Test(arguments: [
        TestCollection.model(dimension: 8, name: "other-net"),
        TestCollection.model(dimension: 8, weights: "0000000000000000000000000000000000000000000000000000000000000000"),
        TestCollection.model(dimension: 16),
        ModelIdentity(name: "test-net", weightsSHA256: TestCollection.model(dimension: 8).weightsSHA256, dimension: 8, preprocessing: "whole-image"),
    ])
    func anotherModelIsRefused(other: ModelIdentity) async throws {
        let directory = try TemporaryDirectory()
        var backend = try await TestCollection.open(in: directory, dimension: 8)
        _ = try await backend.insert(TestVectors.images(TestVectors.random(count: 5, dimension: 8, seed: 40)))
        try await backend.close()

        let error = await #expect(throws: BackendError.self) {
            try await TestCollection.open(in: directory, dimension: other.dimension, model: other)
        }
        #expect(error?.code == .modelMismatch)
        #expect(error?.message.contains(TestCollection.model(dimension: 8).description) == true)
        #expect(error?.message.contains(other.description) == true)
        #expect(error?.message.contains("belongs to the other model") == true)

        backend = try await TestCollection.open(in: directory, dimension: 8)
        #expect(try await backend.statistics().count == 5)
        try await backend.close()
    }

    /// What a daemon told no embedding recipe reads to keep the recipe of its data.
    @Test func theRecordedModelIsTheOneThatCreatedTheCollection() async throws {
        let directory = try TemporaryDirectory()
        let provider = EmbeddedBackendProvider(dataDirectory: directory.url, searchThreads: 1)
        #expect(try await provider.recordedModel(of: TestCollection.name) == nil)
        let model = TestCollection.model(dimension: 8, name: "recorded-net")
        try await TestCollection.open(in: directory, dimension: 8, model: model).close()
        #expect(try await provider.recordedModel(of: TestCollection.name) == model)
        #expect(try await provider.recordedModel(of: "other") == nil)
    }

    /// A store whose creation died before its first commit holds no model, and opens as new.
    @Test func anEmptyStoreFileHasNoRecordedModel() async throws {
        let directory = try TemporaryDirectory()
        let collection = directory.url.appendingPathComponent("collections/\(TestCollection.name)")
        try FileManager.default.createDirectory(at: collection, withIntermediateDirectories: true)
        try Data().write(to: collection.appendingPathComponent("records.sqlite"))
        let provider = EmbeddedBackendProvider(dataDirectory: directory.url, searchThreads: 1)
        #expect(try await provider.recordedModel(of: TestCollection.name) == nil)
        try await TestCollection.open(in: directory, dimension: 8).close()
        #expect(try await provider.recordedModel(of: TestCollection.name) == TestCollection.model(dimension: 8))
    }

    @Test(arguments: [
        IndexSpec(kind: .ivfFlat, metric: .l2, parameters: ["nlist": 128]),
        IndexSpec(kind: .flat, metric: .l2, parameters: ["ef": 10]),
        IndexSpec(kind: .hnsw, metric: .l2, parameters: ["nprobe": 8]),
        IndexSpec(kind: .hnsw, metric: .l2, parameters: ["M": 1]),
        IndexSpec(kind: .hnsw, metric: .l2, parameters: ["ef": 0]),
    ])
    func unsupportedIndexesAreRefused(index: IndexSpec) async throws {
        let directory = try TemporaryDirectory()
        let error = await #expect(throws: BackendError.self) {
            try await TestCollection.open(in: directory, dimension: 8, index: index)
        }
        #expect(error?.code == .invalidArgument)
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("collections").path))
    }

    @Test func ivfFlatErrorNamesWhatIsSupported() async throws {
        let directory = try TemporaryDirectory()
        let error = await #expect(throws: BackendError.self) {
            try await TestCollection.open(in: directory, dimension: 8, index: IndexSpec(kind: .ivfFlat))
        }
        #expect(error?.message.contains("FLAT and HNSW") == true)
    }

    @Test(arguments: ["", "..", "../escape", "a/b", ".hidden"])
    func unsafeCollectionNamesAreRefused(name: String) async throws {
        let directory = try TemporaryDirectory()
        let provider = EmbeddedBackendProvider(dataDirectory: directory.url, searchThreads: 1)
        let error = await #expect(throws: BackendError.self) {
            try await provider.open(collection: name, model: TestCollection.model(dimension: 4), index: IndexSpec())
        }
        #expect(error?.code == .invalidArgument)
    }

    /// Collections are separate stores: same names, separate ids and contents.
    @Test func collectionsAreIndependent() async throws {
        let directory = try TemporaryDirectory()
        let provider = EmbeddedBackendProvider(dataDirectory: directory.url, searchThreads: 1)
        let model = TestCollection.model(dimension: 2)
        let cats = try await provider.open(collection: "cats", model: model, index: IndexSpec())
        let dogs = try await provider.open(collection: "dogs", model: model, index: IndexSpec(kind: .hnsw))
        _ = try await cats.insert([NewImage(name: "a", contentSHA256: "01", metadata: [:], vector: [1, 0])])
        _ = try await dogs.insert([NewImage(name: "a", contentSHA256: "02", metadata: [:], vector: [0, 1])])
        #expect(try await cats.image(name: "a", includeVector: true)?.vector == [1, 0])
        #expect(try await dogs.image(name: "a", includeVector: true)?.vector == [0, 1])
        try await cats.close()
        try await dogs.close()
    }
}
