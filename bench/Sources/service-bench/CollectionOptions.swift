import ArgumentParser
import EmbeddedBackend
import Encoder
import ImageSearchCore
import Foundation
import MilvusBackend
import SearchBackend

/// Which collection a subcommand works on, named the way the daemon names it, so that the daemon can
/// be started on the same data directory (or Milvus collection) afterwards.
struct CollectionOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp("The daemon's data directory (imagesearchd --data-dir).", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Use this Milvus server instead of a data directory (imagesearchd --milvus).", valueName: "address"))
    var milvus: String?

    @Option(help: ArgumentHelp("The Milvus collection holding the collection (imagesearchd --milvus-collection).", valueName: "name"))
    var milvusCollection: String?

    @Option(help: "The collection (the daemon's default collection is 'default').")
    var collection = "default"

    @Option(help: ArgumentHelp("Model name or package directory; the collection is bound to its identity.", valueName: "name|dir"))
    var model = ModelLocator.defaultModelName

    @Option(help: ArgumentHelp("Index of a new collection, with L2 distances (imagesearchd --index): FLAT, HNSW or IVF_FLAT.", valueName: "type"))
    var index = IndexSpec.Kind.flat.rawValue

    func validate() throws {
        guard (dataDir == nil) != (milvus == nil) else { throw ValidationError("Give exactly one of --data-dir and --milvus.") }
        guard milvusCollection == nil || milvus != nil else { throw ValidationError("--milvus-collection needs --milvus.") }
        guard IndexSpec.Kind(rawValue: index) != nil else { throw ValidationError("--index is FLAT, HNSW or IVF_FLAT (got \(index)).") }
    }

    /// Where the collection lives, for messages.
    var location: String { dataDir ?? "Milvus at \(milvus ?? "")" }

    /// The identity the daemon would bind the collection to with this model and its default recipe.
    func modelIdentity() throws -> ModelIdentity {
        ImageSearchEngine.identity(of: try ImageEncoder(modelDirectory: try ModelLocator.locate(model), recipe: .retrieval))
    }

    /// The collection, created if needed with `index` and L2 (what `imagesearchd --index` creates); on
    /// the embedded backend with the daemon's snapshot interval unless told otherwise.
    func open(_ model: ModelIdentity, searchThreads: Int, snapshotInterval: Int = 10_000) async throws -> any SearchBackend {
        try await provider(searchThreads: searchThreads, snapshotInterval: snapshotInterval)
            .open(collection: collection, model: model, index: IndexSpec(kind: IndexSpec.Kind(rawValue: index) ?? .flat, metric: .l2))
    }

    private func provider(searchThreads: Int, snapshotInterval: Int) throws -> any BackendProvider {
        guard let milvus else {
            return EmbeddedBackendProvider(
                dataDirectory: URL(fileURLWithPath: dataDir ?? ""), searchThreads: searchThreads, snapshotInterval: snapshotInterval)
        }
        var configuration = MilvusConfiguration(address: try MilvusAddress(milvus))
        if let milvusCollection { configuration.collectionNames = [collection: milvusCollection] }
        return MilvusBackendProvider(configuration: configuration)
    }
}
