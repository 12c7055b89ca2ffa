import Foundation
import MilvusBackend
import SearchBackend

/// A daemon collection of a test's own (a unique name), dropped when the test ends.
struct TestCollection {
    let name: String
    let provider: MilvusBackendProvider

    init(on address: MilvusAddress, requestTimeout: Duration = .seconds(30)) {
        name = "t-" + UUID().uuidString.prefix(12).lowercased()
        provider = MilvusBackendProvider(configuration: MilvusConfiguration(
            address: address, collectionPrefix: "imagesearch_test_", requestTimeout: requestTimeout))
    }

    static func model(dimension: Int = 16, weights: String = "ab") -> ModelIdentity {
        ModelIdentity(
            name: "test-model", weightsSHA256: String(repeating: weights, count: 32), dimension: dimension,
            preprocessing: "none")
    }

    func open(model: ModelIdentity = model(), index: IndexSpec = IndexSpec()) async throws -> any SearchBackend {
        try await provider.open(collection: name, model: model, index: index)
    }

    func drop() async throws {
        try await provider.dropCollection(name)
    }

    /// Runs `body` on a new collection, then closes and drops it, whether `body` threw or not.
    static func use<Result>(
        on address: MilvusAddress, model: ModelIdentity = model(), index: IndexSpec = IndexSpec(),
        _ body: (any SearchBackend, TestCollection) async throws -> Result
    ) async throws -> Result {
        let collection = TestCollection(on: address)
        let backend = try await collection.open(model: model, index: index)
        do {
            let result = try await body(backend, collection)
            try await backend.close()
            try await collection.drop()
            return result
        } catch {
            try? await backend.close()
            try? await collection.drop()
            throw error
        }
    }
}
