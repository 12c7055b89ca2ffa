import MilvusBackend
import SearchBackend
import Testing

@Suite("Opening collections (Milvus Lite)")
struct CollectionBindingTests {
    @Test("reopening a collection keeps its images")
    func reopen() async throws {
        let collection = TestCollection(on: try TestServers.lite())
        let images = TestImages.make(count: 4, dimension: 16, seed: 20)
        let first = try await collection.open()
        let ids = try await first.insert(images)
        try await first.close()
        let second = try await collection.open()
        #expect(try await second.statistics().count == 4)
        #expect(try await second.image(id: ids[2], includeVector: true)?.vector == images[2].vector)
        try await second.close()
        try await collection.drop()
    }

    @Test("another model is refused with modelMismatch, naming both models")
    func modelMismatch() async throws {
        let collection = TestCollection(on: try TestServers.lite())
        let stored = TestCollection.model(weights: "ab")
        let other = TestCollection.model(weights: "cd")
        try await collection.open(model: stored).close()
        do {
            _ = try await collection.open(model: other)
            Issue.record("opening with another model succeeded")
        } catch let error as BackendError {
            #expect(error.code == .modelMismatch)
            #expect(error.message.contains(stored.description) && error.message.contains(other.description), "\(error.message)")
        }
        await expectCode(.modelMismatch) { try await collection.open(model: TestCollection.model(dimension: 8)) }
        try await collection.drop()
    }

    @Test("the recorded model is the one that created the collection; none before")
    func recordedModel() async throws {
        let collection = TestCollection(on: try TestServers.lite())
        #expect(try await collection.provider.recordedModel(of: collection.name) == nil)
        let model = TestCollection.model(weights: "ef")
        try await collection.open(model: model).close()
        #expect(try await collection.provider.recordedModel(of: collection.name) == model)
        try await collection.drop()
    }

    @Test("an index that differs from the existing one is refused")
    func indexMismatch() async throws {
        let collection = TestCollection(on: try TestServers.lite())
        try await collection.open(index: IndexSpec(kind: .flat, metric: .l2)).close()
        await expectCode(.invalidArgument) { try await collection.open(index: IndexSpec(kind: .flat, metric: .cosine)) }
        await expectCode(.invalidArgument) { try await collection.open(index: IndexSpec(kind: .ivfFlat, metric: .l2)) }
        try await collection.drop()
    }

    @Test("two daemon collections that map to one Milvus name do not share it")
    func nameCollision() async throws {
        let address = try TestServers.lite()
        let provider = MilvusBackendProvider(configuration: MilvusConfiguration(address: address, collectionPrefix: "imagesearch_test_"))
        let suffix = TestCollection(on: address).name.dropFirst(2)
        try await provider.open(collection: "a-\(suffix)", model: TestCollection.model(), index: IndexSpec()).close()
        await expectCode(.invalidArgument) { try await provider.open(collection: "a_\(suffix)", model: TestCollection.model(), index: IndexSpec()) }
        await expectCode(.invalidArgument) { try await provider.dropCollection("a_\(suffix)") }
        try await provider.dropCollection("a-\(suffix)")
    }

    @Test("unknown or out-of-range index parameters are refused before anything is created")
    func badIndexSpecs() async throws {
        let collection = TestCollection(on: try TestServers.lite())
        await expectCode(.invalidArgument) { try await collection.open(index: IndexSpec(kind: .flat, parameters: ["nlist": 4])) }
        await expectCode(.invalidArgument) { try await collection.open(index: IndexSpec(kind: .hnsw, parameters: ["M": 1])) }
        await expectCode(.invalidArgument) { try await collection.open(index: IndexSpec(kind: .ivfFlat, parameters: ["nlist": 4, "nprobe": 8])) }
    }
}
