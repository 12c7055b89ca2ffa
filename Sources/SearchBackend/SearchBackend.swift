import Foundation

/// One collection's storage and search, whatever holds it: the embedded index (SQLite + in-memory
/// index, the default) or a Milvus server. The engine talks only to this protocol.
///
/// Contract:
/// - `insert` and `remove` return only once the change is durable: an acknowledged write survives
///   `kill -9` and power loss (embedded) or is accepted by the server (Milvus).
/// - A `search` issued after an `insert`/`remove` has returned sees its effect.
/// - Names are unique: inserting a name that exists is a `nameTaken` error (the engine checks first;
///   this is the backstop).
/// - Implementations are safe to call concurrently.
public protocol SearchBackend: Sendable {
    /// The collection's index and metric, known without asking the storage (unlike `statistics()`,
    /// which may be a round trip to a server).
    var indexSpec: IndexSpec { get }

    /// Stores the images and returns their new ids, in order.
    func insert(_ images: [NewImage]) async throws -> [Int64]

    /// Removes the images with these ids; returns the ids that existed.
    func remove(ids: [Int64]) async throws -> [Int64]

    func image(id: Int64, includeVector: Bool) async throws -> ImageRecord?
    func image(name: String, includeVector: Bool) async throws -> ImageRecord?
    func image(contentSHA256: String) async throws -> ImageRecord?

    /// The `topK` nearest images to `query`, nearest first, optionally only those within `maxDistance`.
    func search(_ query: [Float], topK: Int, maxDistance: Float?) async throws -> [SearchHit]

    /// Up to `limit` stored ids greater than `id`, in increasing order: a walk over the collection.
    func ids(after id: Int64, limit: Int) async throws -> [Int64]

    /// The stored local features (`NewImage.localFeatures`) of those `ids` that have them. A backend
    /// that does not keep them returns none, and searches there are not verified.
    func localFeatures(ids: [Int64]) async throws -> [Int64: Data]

    /// The collection's stored settings (none for a new collection).
    func settings() async throws -> CollectionSettings

    /// Stores `settings` durably, replacing the previous ones; `unsupported` where the backend keeps none.
    func save(_ settings: CollectionSettings) async throws

    func statistics() async throws -> BackendStatistics

    /// Writes whatever makes the next start fast (an index snapshot) and releases resources.
    func close() async throws
}
