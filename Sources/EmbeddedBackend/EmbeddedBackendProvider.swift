import Foundation
import SearchBackend

/// The embedded backend: each collection is `<dataDirectory>/collections/<name>/` holding
/// `records.sqlite` (the durable records) and `index.snapshot` (the in-memory index, for fast starts).
/// Supports FLAT (exact) and HNSW indexes with the L2, IP and COSINE metrics.
public struct EmbeddedBackendProvider: BackendProvider {
    public let dataDirectory: URL
    /// Threads one FLAT search may use on large collections.
    public let searchThreads: Int
    /// Changes after which a snapshot is written in the background.
    public let snapshotInterval: Int

    public init(dataDirectory: URL, searchThreads: Int, snapshotInterval: Int = 10_000) {
        self.dataDirectory = dataDirectory
        self.searchThreads = max(1, searchThreads)
        self.snapshotInterval = max(1, snapshotInterval)
    }

    public func open(collection: String, model: ModelIdentity, index: IndexSpec) async throws -> any SearchBackend {
        try Self.checkName(collection)
        guard (1...65_536).contains(model.dimension) else {
            throw BackendError(.invalidArgument, "model \(model.name) has dimension \(model.dimension); expected 1…65536")
        }
        let (spec, hnsw) = try Self.resolve(index)
        let directory = try createDirectory(for: collection)
        return try EmbeddedBackend(
            directory: directory, collection: collection, model: model, index: spec, hnsw: hnsw,
            searchThreads: searchThreads, snapshotInterval: snapshotInterval)
    }

    public func recordedModel(of collection: String) async throws -> ModelIdentity? {
        try Self.checkName(collection)
        return try RecordStore.recordedModel(inDirectory: directory(of: collection))
    }

    /// The spec with defaults filled in, and HNSW's parameters; refuses what this backend cannot build.
    private static func resolve(_ spec: IndexSpec) throws -> (IndexSpec, HNSWParameters?) {
        switch spec.kind {
        case .ivfFlat:
            throw BackendError(.invalidArgument, "the embedded backend supports FLAT and HNSW indexes, not IVF_FLAT; use one of those or the Milvus backend")
        case .flat:
            guard spec.parameters.isEmpty else {
                throw BackendError(.invalidArgument, "a FLAT index takes no parameters (got \(spec.parameters.keys.sorted().joined(separator: ", ")))")
            }
            return (spec, nil)
        case .hnsw:
            let unknown = Set(spec.parameters.keys).subtracting(HNSWParameters.names)
            guard unknown.isEmpty else {
                throw BackendError(.invalidArgument, "unknown HNSW parameter(s) \(unknown.sorted().joined(separator: ", ")); known: M, efConstruction, ef")
            }
            let parameters = try HNSWParameters(spec)
            return (IndexSpec(kind: .hnsw, metric: spec.metric, parameters: parameters.parameterList()), parameters)
        }
    }

    /// Collection names become directory names, so they are kept to a safe alphabet.
    private static func checkName(_ collection: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        guard !collection.isEmpty, collection.count <= 128, collection.allSatisfy(allowed.contains), !collection.hasPrefix(".") else {
            throw BackendError(.invalidArgument, "collection name '\(collection)' is not allowed; use 1–128 letters, digits, '_', '-' or '.', not starting with '.'")
        }
    }

    private func directory(of collection: String) -> URL {
        dataDirectory.appendingPathComponent("collections").appendingPathComponent(collection)
    }

    /// Creates the collection's directory; a new one is made durable by syncing its parents.
    private func createDirectory(for collection: String) throws -> URL {
        let directory = directory(of: collection)
        let collections = directory.deletingLastPathComponent()
        guard !FileManager.default.fileExists(atPath: directory.path) else { return directory }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw BackendError(.storageFailure, "cannot create \(directory.path): \(error.localizedDescription)")
        }
        try DurableFiles.syncDirectory(collections)
        try DurableFiles.syncDirectory(dataDirectory)
        return directory
    }
}
