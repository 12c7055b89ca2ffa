import EmbeddedBackend
import Foundation
import SearchBackend

/// Opening test collections: one model, one collection name, the directory of the test.
enum TestCollection {
    static let name = "photos"

    static func model(dimension: Int, name: String = "test-net", weights: String = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08") -> ModelIdentity {
        ModelIdentity(name: name, weightsSHA256: weights, dimension: dimension, preprocessing: "crop=center size=224 filter=bilinear scale=0..1")
    }

    static func open(
        in directory: TemporaryDirectory, dimension: Int, index: IndexSpec = IndexSpec(),
        searchThreads: Int = 1, snapshotInterval: Int = 10_000, model: ModelIdentity? = nil
    ) async throws -> any SearchBackend {
        let provider = EmbeddedBackendProvider(dataDirectory: directory.url, searchThreads: searchThreads, snapshotInterval: snapshotInterval)
        return try await provider.open(collection: name, model: model ?? self.model(dimension: dimension), index: index)
    }

    /// Inserts `images` in batches of `batchSize`; returns the ids by image name.
    @discardableResult
    static func insert(_ images: [NewImage], into backend: any SearchBackend, batchSize: Int = 64) async throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for start in stride(from: 0, to: images.count, by: batchSize) {
            let batch = Array(images[start..<min(start + batchSize, images.count)])
            for (image, id) in zip(batch, try await backend.insert(batch)) { ids[image.name] = id }
        }
        return ids
    }
}
