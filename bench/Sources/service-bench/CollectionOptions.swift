import ArgumentParser
import EmbeddedBackend
import Encoder
import ImageSearchCore
import Foundation
import SearchBackend

/// Which collection a subcommand works on, named the way the daemon names it, so that the daemon can
/// be started on the same data directory afterwards.
struct CollectionOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp("The daemon's data directory (imagesearchd --data-dir).", valueName: "dir"))
    var dataDir: String

    @Option(help: "The collection (the daemon's default collection is 'default').")
    var collection = "default"

    @Option(help: ArgumentHelp("Model name or package directory; the collection is bound to its identity.", valueName: "name|dir"))
    var model = ModelLocator.defaultModelName

    /// The identity the daemon would bind the collection to with this model.
    func modelIdentity() throws -> ModelIdentity {
        ImageSearchEngine.identity(of: try ImageEncoder(modelDirectory: try ModelLocator.locate(model)))
    }

    /// The collection, created if needed, as a FLAT/L2 index (what `imagesearchd --index FLAT` creates),
    /// with the daemon's snapshot interval unless told otherwise.
    func open(_ model: ModelIdentity, searchThreads: Int, snapshotInterval: Int = 10_000) async throws -> any SearchBackend {
        let provider = EmbeddedBackendProvider(
            dataDirectory: URL(fileURLWithPath: dataDir), searchThreads: searchThreads, snapshotInterval: snapshotInterval)
        return try await provider.open(collection: collection, model: model, index: IndexSpec(kind: .flat, metric: .l2))
    }
}
