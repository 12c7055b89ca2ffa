import CHalfPrecision
import Parallelism
import SearchBackend
import Synchronization

/// Exact search: every query is compared with every vector, so results are the true nearest
/// neighbours. The scan is memory-bandwidth bound (100k × 1280 floats is 512 MB per query); once
/// the vectors fill more than one chunk (at most 4 MB) it is split across the configured number of threads.
///
/// Where the CPU converts half-precision floats in hardware, the scan reads a half-precision copy of
/// each row (scaled to length 1): half the bytes. Each row's score then gets a lower bound from the
/// known rounding error, the rows with the lowest bounds are scored exactly, and the result is the
/// exact scan's whenever those bounds prove that no other row can be nearer; when they cannot (a
/// crowd of near-ties at the cut), the exact scan runs. Results are the true nearest neighbours
/// either way; the copies cost half as much memory again as the vectors.
///
/// Searches take a `VectorStorage` view under a short lock and scan it without any lock, so writes
/// never wait for a scan and a scan never sees half a write.
final class FlatIndex: VectorIndex {
    let metric: Metric
    let searchThreads: Int
    /// The view searches take. Replaced wholesale by writers, never changed in place.
    private let published: Mutex<VectorStorage>
    /// The row of each id. Its lock is also the writers' lock: a writer holds it from reading
    /// `published` to replacing it, so no two writers interleave.
    private let rowOfID: Mutex<[Int64: Int]>

    /// Whether FLAT indexes keep and scan half-precision copies of their rows (`CHalfPrecision`).
    static let scansHalves = halfPrecisionIsAvailable()

    init(dimension: Int, metric: Metric, searchThreads: Int) {
        self.metric = metric
        self.searchThreads = max(1, searchThreads)
        published = Mutex(VectorStorage(dimension: dimension, keepsHalves: Self.scansHalves))
        rowOfID = Mutex([:])
    }

    /// Takes over the rows of a FLAT snapshot (which holds live rows only).
    init(restoring snapshot: IndexSnapshot, searchThreads: Int) {
        metric = snapshot.metric
        self.searchThreads = max(1, searchThreads)
        let storage = snapshot.vectors
        var rows: [Int64: Int] = [:]
        rows.reserveCapacity(storage.count)
        for row in 0..<storage.count { rows[storage.id(at: row)] = row }
        published = Mutex(storage)
        rowOfID = Mutex(rows)
    }

    var count: Int { published.withLock { $0.count } }

    var memoryBytes: Int {
        let storageBytes = published.withLock { $0.memoryBytes }
        return storageBytes + rowOfID.withLock { $0.capacity * 16 }
    }

    func add(ids: [Int64], vectors: [[Float]]) {
        rowOfID.withLock { rows in
            var storage = published.withLock { $0 }
            for (id, vector) in zip(ids, vectors) {
                rows[id] = storage.count
                storage.append(id: id, vector: metric.prepared(vector))
            }
            published.withLock { $0 = storage }
        }
    }

    func remove(ids: [Int64]) {
        rowOfID.withLock { rows in
            var storage = published.withLock { $0 }
            for id in ids {
                guard let row = rows.removeValue(forKey: id) else { continue }
                if let moved = storage.removeBySwappingLast(row) { rows[moved] = row }
            }
            published.withLock { $0 = storage }
        }
    }

    func snapshot(sequence: Int64) -> IndexSnapshot {
        IndexSnapshot(kind: .flat, metric: metric, sequence: sequence, vectors: published.withLock { $0 }, graph: nil)
    }

    func search(_ query: [Float], topK: Int, maxDistance: Float?) -> [IndexHit] {
        let storage = published.withLock { $0 }
        guard topK > 0, storage.count > 0 else { return [] }
        let query = metric.prepared(query)
        // L2 ranks by ‖x‖² − 2 q·x: the ‖q‖² every row shares is left out of the scan.
        let queryNorm = metric == .l2 ? VectorKernels.squaredNorm(query) : 0
        let threshold = maxDistance.map { scanThreshold(forDistance: $0, queryNorm: queryNorm) } ?? .infinity
        let nearest = storage.keepsHalves
            ? nearestByHalves(storage, query: query, topK: topK, threshold: threshold) ?? scanExact(storage, query: query, topK: topK, threshold: threshold)
            : scanExact(storage, query: query, topK: topK, threshold: threshold)
        guard metric == .l2 else {
            return nearest.map { IndexHit(id: storage.id(at: $0.item), distance: $0.score) }
        }
        let hits = reportedL2Hits(nearest, storage: storage, query: query)
        return maxDistance.map { limit in hits.filter { $0.distance <= limit } } ?? hits
    }

    /// The scan's score limit for `distance`. L2's is loosened by the rounding of its scores, so that
    /// nothing within the limit is lost; the exact distances of the hits are checked afterwards.
    private func scanThreshold(forDistance distance: Float, queryNorm: Float) -> Float {
        guard metric == .l2 else { return metric.score(forDistance: distance) }
        let squared = metric.score(forDistance: distance)
        return squared - queryNorm + 1e-4 * (squared + queryNorm)
    }

    /// ‖q‖² − 2 q·x + ‖x‖² loses the small distances of near-duplicates to rounding (an image's own
    /// vector would come back about 0.003 away, not 0), so the few hits get their distance computed
    /// directly from the difference.
    private func reportedL2Hits(_ nearest: [Neighbor], storage: VectorStorage, query: [Float]) -> [IndexHit] {
        query.withUnsafeBufferPointer { query in
            nearest.map { neighbor in
                let squared = VectorKernels.squaredDistance(query.baseAddress!, storage.vector(at: neighbor.item), count: storage.dimension)
                return IndexHit(id: storage.id(at: neighbor.item), distance: squared.squareRoot())
            }
        }.sorted { $0.distance < $1.distance }
    }

    /// The `topK` best rows (as `Neighbor.item`) with a score ≤ `threshold`, nearest first.
    private func scanExact(_ storage: VectorStorage, query: [Float], topK: Int, threshold: Float) -> [Neighbor] {
        best(topK, in: storage) { chunks, best in
            scan(storage, chunks: chunks, query: query, threshold: threshold, into: &best)
        }
    }

    /// How far a row's half-precision dot product with the query can be from the exact scan's, as a
    /// fraction of ‖query‖·‖row‖: twice the half's rounding (2⁻¹¹ of each scaled element; subnormals
    /// add far less), and twice the worst case of summing `dimension` products in single precision
    /// (n·2⁻²⁴) on each side, which also covers the row's length being computed in single precision.
    static func halfPrecisionError(dimension: Int) -> Float {
        0x1p-10 + Float(dimension) * 0x1p-22
    }

    /// The exact scan's `topK`, from the rows with the lowest bounds in the half-precision scan
    /// scored exactly; nil when the bounds leave room for another row to be as near.
    private func nearestByHalves(_ storage: VectorStorage, query: [Float], topK: Int, threshold: Float) -> [Neighbor]? {
        let capacity = 2 * topK + 64
        let queryLength = VectorKernels.squaredNorm(query).squareRoot()
        let slack = Self.halfPrecisionError(dimension: storage.dimension) * (metric == .l2 ? 2 : 1) * queryLength
        let bounded = best(capacity, in: storage) { chunks, best in
            scanHalves(storage, chunks: chunks, query: query, slack: slack, threshold: threshold, into: &best)
        }
        let exact = query.withUnsafeBufferPointer { query in
            bounded.map { row in
                let dot = VectorKernels.dot(query.baseAddress!, storage.vector(at: row.item), count: storage.dimension)
                return Neighbor(score: metric.scanScore(dot: dot, squaredNorm: storage.squaredNorm(at: row.item)), item: row.item)
            }
        }
        let nearest = Array(exact.filter { $0.score <= threshold }.sorted { ($0.score, $0.item) < ($1.score, $1.item) }.prefix(topK))
        guard bounded.count == capacity else { return nearest }
        let cut = nearest.count == topK ? nearest[topK - 1].score : threshold
        return bounded[capacity - 1].score > cut ? nearest : nil
    }

    /// The `capacity` lowest-scoring rows that `scan` admits, lowest first; each thread keeps its
    /// own heap over a contiguous run of chunks and the runs are merged at the end.
    private func best(
        _ capacity: Int, in storage: VectorStorage, scanning scan: @Sendable (Range<Int>, inout NeighborHeap) -> Void
    ) -> [Neighbor] {
        // A chunk takes a few tenths of a millisecond to scan, far longer than starting and joining a thread:
        // two threads took a verified search's scan of 4,400 images from 3.3 to 2.3 ms.
        let threads = min(searchThreads, storage.chunks.count)
        guard threads > 1 else {
            var best = NeighborHeap(capacity: capacity)
            scan(0..<storage.chunks.count, &best)
            return best.sortedNearestFirst()
        }
        let merged = Mutex(NeighborHeap(capacity: capacity))
        WorkerThreads.shared.perform(iterations: threads) { part in
            let chunks = (storage.chunks.count * part / threads)..<(storage.chunks.count * (part + 1) / threads)
            var best = NeighborHeap(capacity: capacity)
            scan(chunks, &best)
            merged.withLock { heap in best.elements.forEach { heap.insert($0) } }
        }
        return merged.withLock { $0.sortedNearestFirst() }
    }

    private func scan(_ storage: VectorStorage, chunks: Range<Int>, query: [Float], threshold: Float, into best: inout NeighborHeap) {
        let dimension = storage.dimension, metric = metric
        query.withUnsafeBufferPointer { query in
            let query = query.baseAddress!
            for index in chunks {
                let chunk = storage.chunks[index], firstRow = index * storage.rowsPerChunk
                for row in 0..<storage.rowCount(inChunk: index) {
                    let dot = VectorKernels.dot(query, chunk.vector(at: row), count: dimension)
                    let score = metric.scanScore(dot: dot, squaredNorm: chunk.squaredNorms[row])
                    if score <= threshold, best.admits(score) {
                        best.insert(Neighbor(score: score, item: firstRow + row))
                    }
                }
            }
        }
    }

    /// Like `scan`, over the half-precision rows, each scored by the lowest its exact score can be.
    private func scanHalves(
        _ storage: VectorStorage, chunks: Range<Int>, query: [Float], slack: Float, threshold: Float, into best: inout NeighborHeap
    ) {
        let dimension = storage.dimension, metric = metric
        query.withUnsafeBufferPointer { query in
            let query = query.baseAddress!
            for index in chunks {
                let chunk = storage.chunks[index], halves = chunk.halves!, firstRow = index * storage.rowsPerChunk
                for row in 0..<storage.rowCount(inChunk: index) {
                    let length = chunk.squaredNorms[row].squareRoot()
                    let dot = length * halfPrecisionDot(query, halves + row * dimension, dimension)
                    let lowest = metric.scanScore(dot: dot, squaredNorm: chunk.squaredNorms[row]) - slack * length
                    if lowest <= threshold, best.admits(lowest) {
                        best.insert(Neighbor(score: lowest, item: firstRow + row))
                    }
                }
            }
        }
    }
}
