import Foundation
import SearchBackend
import Synchronization

/// A `SearchBackend` that keeps everything in a dictionary and searches by brute force: the reference
/// the engine and service tests run against, without disk or threads. Every collection name opens
/// this same storage, settings included.
public final class InMemoryBackend: SearchBackend, BackendProvider {
    private struct State {
        var records: [Int64: ImageRecord] = [:]
        var localFeatures: [Int64: Data] = [:]
        var nextID: Int64 = 1
        var model: ModelIdentity?
        var index = IndexSpec()
        var failWrites: BackendError?
        var settings = CollectionSettings()
    }

    private let state = Mutex(State())

    public init() {}

    public var indexSpec: IndexSpec { state.withLock { $0.index } }

    /// Makes every following insert and remove fail with `error` (nil: succeed again).
    public func failWrites(with error: BackendError?) {
        state.withLock { $0.failWrites = error }
    }

    public func open(collection: String, model: ModelIdentity, index: IndexSpec) async throws -> any SearchBackend {
        try state.withLock { state in
            if let existing = state.model, existing != model {
                throw BackendError(.modelMismatch, "collection \(collection) belongs to \(existing), not \(model)")
            }
            state.model = model
            state.index = index
        }
        return self
    }

    public func recordedModel(of collection: String) async throws -> ModelIdentity? {
        state.withLock { $0.model }
    }

    public func insert(_ images: [NewImage]) async throws -> [Int64] {
        try state.withLock { state in
            if let error = state.failWrites { throw error }
            return try images.map { image in
                guard !state.records.values.contains(where: { $0.name == image.name }) else {
                    throw BackendError(.nameTaken, "the name \(image.name) is taken")
                }
                let id = state.nextID
                state.nextID += 1
                state.records[id] = ImageRecord(id: id, name: image.name, contentSHA256: image.contentSHA256, metadata: image.metadata, vector: image.vector)
                state.localFeatures[id] = image.localFeatures
                return id
            }
        }
    }

    public func remove(ids: [Int64]) async throws -> [Int64] {
        try state.withLock { state in
            if let error = state.failWrites { throw error }
            return ids.filter { state.localFeatures.removeValue(forKey: $0); return state.records.removeValue(forKey: $0) != nil }
        }
    }

    public func image(id: Int64, includeVector: Bool) async throws -> ImageRecord? {
        state.withLock { $0.records[id].map { Self.trimmed($0, includeVector) } }
    }

    public func image(name: String, includeVector: Bool) async throws -> ImageRecord? {
        state.withLock { $0.records.values.first { $0.name == name }.map { Self.trimmed($0, includeVector) } }
    }

    public func image(contentSHA256: String) async throws -> ImageRecord? {
        state.withLock { $0.records.values.first { $0.contentSHA256 == contentSHA256 }.map { Self.trimmed($0, false) } }
    }

    public func search(_ query: [Float], topK: Int, maxDistance: Float?) async throws -> [SearchHit] {
        state.withLock { state in
            state.records.values
                .map { SearchHit(id: $0.id, name: $0.name, distance: Self.distance(query, $0.vector!, state.index.metric), metadata: $0.metadata) }
                .filter { maxDistance == nil || $0.distance <= maxDistance! }
                .sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
                .prefix(topK)
                .map { $0 }
        }
    }

    public func ids(after id: Int64, limit: Int) async throws -> [Int64] {
        state.withLock { Array($0.records.keys.filter { $0 > id }.sorted().prefix(limit)) }
    }

    public func localFeatures(ids: [Int64]) async throws -> [Int64: Data] {
        state.withLock { state in state.localFeatures.filter { ids.contains($0.key) } }
    }

    public func settings() async throws -> CollectionSettings {
        state.withLock { $0.settings }
    }

    public func save(_ settings: CollectionSettings) async throws {
        try state.withLock { state in
            if let error = state.failWrites { throw error }
            state.settings = settings
        }
    }

    public func statistics() async throws -> BackendStatistics {
        state.withLock { BackendStatistics(backend: "memory", count: $0.records.count, index: $0.index, memoryBytes: 0) }
    }

    public func close() async throws {}

    private static func trimmed(_ record: ImageRecord, _ includeVector: Bool) -> ImageRecord {
        var copy = record
        if !includeVector { copy.vector = nil }
        return copy
    }

    /// The distances as `Metric` defines them.
    public static func distance(_ a: [Float], _ b: [Float], _ metric: Metric) -> Float {
        let dot = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        switch metric {
        case .l2: return zip(a, b).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        case .innerProduct: return -dot
        case .cosine:
            let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
            return 1 - dot / norms
        }
    }
}
