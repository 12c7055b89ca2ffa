import Dispatch
import Foundation
import SearchBackend
import Synchronization

/// One collection of the embedded backend: a `RecordStore` (SQLite, the source of truth) mirrored by
/// an in-memory `VectorIndex` (FLAT or HNSW) that is snapshotted to `index.snapshot`.
///
/// Writes are serialised by `writeState`'s lock and change the index only after the store committed,
/// so a failed write leaves both untouched and the index always matches the store as of the sequence
/// number it records. Searches and lookups take no lock that writes hold for long.
final class EmbeddedBackend: SearchBackend {
    static let snapshotFileName = "index.snapshot"
    /// Rows handed to the index at a time while rebuilding or replaying.
    private static let replayBatchSize = 1024
    /// Scans per search when removals keep racing it (see `searchOnce`).
    private static let searchAttempts = 4

    let collection: String
    let model: ModelIdentity
    /// The index as built, its parameters' defaults filled in.
    let indexSpec: IndexSpec
    private let snapshotURL: URL
    private let snapshotInterval: Int
    /// Threads a search's scan, and its read of the candidates' local features, run on.
    private let searchThreads: Int
    private let store: RecordStore
    private let vectorIndex: any VectorIndex
    private let writeState: Mutex<WriteState>
    /// Apart from `writeState`, so that a search never waits for a write to learn it may go ahead.
    private let isClosed = Atomic<Bool>(false)
    /// Runs every snapshot write, one after the other, so a newer snapshot is never overtaken by an
    /// older one, and off the Swift concurrency pool, whose few threads should not wait for the disk.
    private let snapshotQueue = DispatchQueue(label: "imagesearchd.embedded.snapshot", qos: .utility)

    private struct WriteState {
        /// The store's sequence number, which the index includes.
        var sequence: Int64
        /// The sequence number the snapshot on disk includes; nil if there is no usable one.
        var snapshotSequence: Int64?
        /// The sequence number at which the next background snapshot is due.
        var nextSnapshotAt: Int64
        var isSnapshotQueued = false
    }

    /// Opens the store in `directory` and loads the index from the snapshot, or rebuilds it from the
    /// store when the snapshot is missing, damaged or does not fit.
    init(
        directory: URL, collection: String, model: ModelIdentity, index: IndexSpec, hnsw: HNSWParameters?,
        searchThreads: Int, snapshotInterval: Int
    ) throws {
        self.collection = collection
        self.model = model
        indexSpec = index
        self.snapshotInterval = snapshotInterval
        self.searchThreads = searchThreads
        snapshotURL = directory.appendingPathComponent(Self.snapshotFileName)
        store = try RecordStore(directory: directory, collection: collection, model: model, index: index)
        let loaded = try Self.loadIndex(
            from: store, snapshotURL: snapshotURL, spec: index, dimension: model.dimension, hnsw: hnsw, searchThreads: searchThreads)
        vectorIndex = loaded.index
        writeState = Mutex(WriteState(
            sequence: loaded.sequence, snapshotSequence: loaded.snapshotSequence,
            nextSnapshotAt: Self.firstSnapshotDue(sequence: loaded.sequence, snapshotSequence: loaded.snapshotSequence, interval: snapshotInterval)))
        writeState.withLock { scheduleSnapshotIfDue(&$0) }
    }

    // MARK: SearchBackend

    func insert(_ images: [NewImage]) async throws -> [Int64] {
        for image in images { try checkVector(image.vector, of: "image '\(image.name)'") }
        return try writeState.withLock { state in
            try checkOpen()
            guard !images.isEmpty else { return [] }
            let (ids, sequence) = try store.insert(images)
            vectorIndex.add(ids: ids, vectors: images.map(\.vector))
            state.sequence = sequence
            scheduleSnapshotIfDue(&state)
            return ids
        }
    }

    func remove(ids: [Int64]) async throws -> [Int64] {
        try writeState.withLock { state in
            try checkOpen()
            guard !ids.isEmpty else { return [] }
            let (removed, sequence) = try store.remove(ids: ids)
            vectorIndex.remove(ids: removed)
            state.sequence = sequence
            scheduleSnapshotIfDue(&state)
            return removed
        }
    }

    func image(id: Int64, includeVector: Bool) async throws -> ImageRecord? {
        try checkOpen()
        return try store.record(id: id, includeVector: includeVector)
    }

    func image(name: String, includeVector: Bool) async throws -> ImageRecord? {
        try checkOpen()
        return try store.record(name: name, includeVector: includeVector)
    }

    func image(contentSHA256: String) async throws -> ImageRecord? {
        try checkOpen()
        return try store.record(contentSHA256: contentSHA256)
    }

    func search(_ query: [Float], topK: Int, maxDistance: Float?) async throws -> [SearchHit] {
        try checkVector(query, of: "the query")
        guard topK >= 0 else { throw BackendError(.invalidArgument, "topK must not be negative (got \(topK))") }
        try checkOpen()
        var attempt = 1
        while true {
            let (hits, isComplete) = try searchOnce(query, topK: topK, maxDistance: maxDistance)
            if isComplete || attempt == Self.searchAttempts { return hits }
            attempt += 1
        }
    }

    /// The index's hits with their records. A hit without a record was removed between the scan and
    /// the lookup: the removal won the race, and `search` scans again so that the answer still holds
    /// `topK` hits. The window is microseconds wide, so a second scan practically always suffices.
    private func searchOnce(_ query: [Float], topK: Int, maxDistance: Float?) throws -> (hits: [SearchHit], isComplete: Bool) {
        let hits = vectorIndex.search(query, topK: topK, maxDistance: maxDistance)
        guard !hits.isEmpty else { return ([], true) }
        let records = try store.records(ids: hits.map(\.id))
        let found = hits.compactMap { hit in
            records[hit.id].map { SearchHit(id: hit.id, name: $0.name, distance: hit.distance, metadata: $0.metadata) }
        }
        return (found, found.count == hits.count)
    }

    func ids(after id: Int64, limit: Int) async throws -> [Int64] {
        try checkOpen()
        return try store.ids(after: id, limit: limit)
    }

    func localFeatures(ids: [Int64]) async throws -> [Int64: Data] {
        try checkOpen()
        return try store.localFeatures(ids: ids, parts: searchThreads)
    }

    func settings() async throws -> CollectionSettings {
        try checkOpen()
        return try store.settings()
    }

    func save(_ settings: CollectionSettings) async throws {
        try writeState.withLock { _ in
            try checkOpen()
            try store.save(settings)
        }
    }

    func statistics() async throws -> BackendStatistics {
        try checkOpen()
        return BackendStatistics(backend: "embedded", count: vectorIndex.count, index: indexSpec, memoryBytes: vectorIndex.memoryBytes)
    }

    /// Waits for a background snapshot in progress, writes a final one if the index moved on since,
    /// and closes the database. Later calls fail; a second `close()` does nothing. A write already
    /// under way finishes first: the final snapshot is taken under the write lock.
    func close() async throws {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        defer { store.close() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            snapshotQueue.async {
                continuation.resume(with: Result { try self.writeSnapshotIfStale() })
            }
        }
    }

    // MARK: Snapshots

    private func scheduleSnapshotIfDue(_ state: inout WriteState) {
        guard !state.isSnapshotQueued, state.sequence >= state.nextSnapshotAt else { return }
        state.isSnapshotQueued = true
        state.nextSnapshotAt = state.sequence + Int64(snapshotInterval)
        snapshotQueue.async {
            // A failed background snapshot costs only start-up time: the store stays the source of
            // truth, and the next due snapshot (or close) tries again.
            try? self.writeSnapshotIfStale()
            self.writeState.withLock { $0.isSnapshotQueued = false }
        }
    }

    /// `interval` changes after the snapshot on disk; at once after a rebuild of a non-empty store,
    /// which was slow and should not be repeated at the next start.
    private static func firstSnapshotDue(sequence: Int64, snapshotSequence: Int64?, interval: Int) -> Int64 {
        if let snapshotSequence { return snapshotSequence + Int64(interval) }
        return sequence > 0 ? sequence : Int64(interval)
    }

    /// Writes the index as of now unless the snapshot on disk already holds it. The contents are
    /// taken under the write lock (so they match the sequence number) and written without it.
    private func writeSnapshotIfStale() throws {
        let snapshot: IndexSnapshot? = writeState.withLock { state in
            state.snapshotSequence == state.sequence ? nil : vectorIndex.snapshot(sequence: state.sequence)
        }
        guard let snapshot else { return }
        try SnapshotWriter.write(snapshot, to: snapshotURL)
        writeState.withLock { $0.snapshotSequence = snapshot.sequence }
    }

    private static func loadIndex(
        from store: RecordStore, snapshotURL: URL, spec: IndexSpec, dimension: Int, hnsw: HNSWParameters?, searchThreads: Int
    ) throws -> (index: any VectorIndex, sequence: Int64, snapshotSequence: Int64?) {
        let expectation = SnapshotReader.Expectation(kind: spec.kind, metric: spec.metric, dimension: dimension, maxLinks: hnsw?.maxLinks ?? 0)
        // An unreadable snapshot is not an error: the store holds everything it held.
        if let snapshot = try? SnapshotReader.read(from: snapshotURL, expecting: expectation) {
            let index: any VectorIndex = if let hnsw {
                HNSWIndex(restoring: snapshot, parameters: hnsw)
            } else {
                FlatIndex(restoring: snapshot, searchThreads: searchThreads)
            }
            let replayed = try replay(store, after: snapshot.sequence, into: index)
            if snapshot.sequence <= replayed.sequence, index.count == replayed.count {
                return (index, replayed.sequence, snapshot.sequence)
            }
        }
        let index: any VectorIndex = if let hnsw {
            HNSWIndex(dimension: dimension, metric: spec.metric, parameters: hnsw)
        } else {
            FlatIndex(dimension: dimension, metric: spec.metric, searchThreads: searchThreads)
        }
        let rebuilt = try replay(store, after: 0, into: index)
        return (index, rebuilt.sequence, nil)
    }

    private static func replay(_ store: RecordStore, after sequence: Int64, into index: any VectorIndex) throws -> (sequence: Int64, count: Int) {
        try store.replayChanges(
            after: sequence, batchSize: replayBatchSize,
            added: { index.add(ids: $0, vectors: $1) },
            removed: { index.remove(ids: $0) })
    }

    // MARK: Checks

    private func checkVector(_ vector: [Float], of subject: @autoclosure () -> String) throws {
        guard vector.count == model.dimension else {
            throw BackendError(.invalidArgument, "\(subject()) has a \(vector.count)-d vector; collection '\(collection)' holds \(model.dimension)-d vectors of \(model.name)")
        }
        guard vector.allSatisfy(\.isFinite) else {
            throw BackendError(.invalidArgument, "\(subject()) has a vector with NaN or infinite components")
        }
    }

    private func checkOpen() throws {
        guard !isClosed.load(ordering: .acquiring) else { throw BackendError(.storageFailure, "collection '\(collection)' is closed") }
    }
}
