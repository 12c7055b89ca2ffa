/// The vectors of an index with their ids and squared norms, row by row, in chunks of a few MB.
///
/// A value of this type is a *view*: copying it is cheap (it shares the chunks) and the copy keeps
/// seeing exactly the rows it counted, whatever the index does next. That lets FLAT searches scan and
/// snapshots write without holding any lock, and lets an index grow without moving rows (no
/// reallocation of one 512 MB block). See `VectorChunk` for the rule that keeps shared chunks stable.
struct VectorStorage: Sendable {
    let dimension: Int
    /// Rows per chunk as a power of two, so that a row's chunk is a shift away.
    let chunkShift: Int
    /// Whether the chunks keep half-precision copies of the rows (see `VectorChunk.halves`).
    let keepsHalves: Bool
    private(set) var chunks: [VectorChunk] = []
    private(set) var count = 0

    /// Chunks of about 4 MB: small enough that copying one for a removal is cheap, large enough that
    /// a scan spends its time in the kernel rather than moving between chunks.
    init(dimension: Int, keepsHalves: Bool = false) {
        self.dimension = dimension
        self.keepsHalves = keepsHalves
        let rowsForFourMB = max(1, (4 << 20) / (dimension * 4))
        chunkShift = min(16, max(6, Int.bitWidth - 1 - rowsForFourMB.leadingZeroBitCount))
    }

    /// `count` rows whose contents the caller writes (through `chunks`, then `writeHalves()`) before
    /// sharing the storage: how a snapshot is read straight into place.
    init(dimension: Int, uninitializedCount: Int, keepsHalves: Bool) {
        self.init(dimension: dimension, keepsHalves: keepsHalves)
        let chunkCount = (uninitializedCount + rowsPerChunk - 1) / rowsPerChunk
        chunks = (0..<chunkCount).map { _ in VectorChunk(capacity: rowsPerChunk, dimension: dimension, keepsHalves: keepsHalves) }
        count = uninitializedCount
    }

    var rowsPerChunk: Int { 1 << chunkShift }

    /// Fills the half-precision copies of rows written in place (a no-op unless `keepsHalves`).
    func writeHalves() {
        for (index, chunk) in chunks.enumerated() {
            for row in 0..<rowCount(inChunk: index) { chunk.writeHalves(row: row) }
        }
    }

    var memoryBytes: Int { chunks.reduce(0) { $0 + $1.byteCount } }

    /// The number of counted rows in chunk `index`.
    func rowCount(inChunk index: Int) -> Int {
        min(rowsPerChunk, count - index * rowsPerChunk)
    }

    @inline(__always)
    func vector(at row: Int) -> UnsafeMutablePointer<Float> {
        chunks[row >> chunkShift].vector(at: row & (rowsPerChunk - 1))
    }

    func squaredNorm(at row: Int) -> Float {
        chunks[row >> chunkShift].squaredNorms[row & (rowsPerChunk - 1)]
    }

    func id(at row: Int) -> Int64 {
        chunks[row >> chunkShift].ids[row & (rowsPerChunk - 1)]
    }

    /// Writes the new row in place: it lies past the count of every view that shares the chunk.
    mutating func append(id: Int64, vector: [Float]) {
        precondition(vector.count == dimension)
        if count == chunks.count * rowsPerChunk {
            chunks.append(VectorChunk(capacity: rowsPerChunk, dimension: dimension, keepsHalves: keepsHalves))
        }
        let squaredNorm = VectorKernels.squaredNorm(vector)
        vector.withUnsafeBufferPointer {
            chunks[count >> chunkShift].write(row: count & (rowsPerChunk - 1), id: id, vector: $0.baseAddress!, squaredNorm: squaredNorm)
        }
        count += 1
    }

    /// Removes `row` by moving the last row into its place; returns the id of the moved row, or nil
    /// when `row` was the last. Both chunks involved are copied unless no view shares them, and so is
    /// the last chunk even when only its count shrinks: the next append will write that row again.
    mutating func removeBySwappingLast(_ row: Int) -> Int64? {
        let last = count - 1
        makeChunkPrivate(last >> chunkShift)
        makeChunkPrivate(row >> chunkShift)
        var moved: Int64?
        if row != last {
            let source = chunks[last >> chunkShift], sourceRow = last & (rowsPerChunk - 1)
            chunks[row >> chunkShift].write(
                row: row & (rowsPerChunk - 1), id: source.ids[sourceRow],
                vector: source.vector(at: sourceRow), squaredNorm: source.squaredNorms[sourceRow])
            moved = source.ids[sourceRow]
        }
        count -= 1
        if count == (chunks.count - 1) * rowsPerChunk { chunks.removeLast() }
        return moved
    }

    private mutating func makeChunkPrivate(_ index: Int) {
        guard !isKnownUniquelyReferenced(&chunks[index]) else { return }
        chunks[index] = chunks[index].copy(rows: rowCount(inChunk: index))
    }
}
