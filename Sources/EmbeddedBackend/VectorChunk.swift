import CHalfPrecision

/// A fixed block of index rows: vectors (row-major, 64-byte aligned), their squared norms and ids,
/// and optionally each vector scaled to length 1 in half precision (for `FlatIndex`'s scan).
///
/// Chunks are shared between the live index and the views that searches and snapshots took of it.
/// What makes the sharing safe without a lock is one rule, kept by `VectorStorage`: a row below the
/// count of any view that holds the chunk is never written again. Appends write rows past every
/// view's count; any other change is made to a copy of the chunk.
final class VectorChunk: @unchecked Sendable {
    let capacity: Int
    let dimension: Int
    let vectors: UnsafeMutablePointer<Float>
    let squaredNorms: UnsafeMutablePointer<Float>
    let ids: UnsafeMutablePointer<Int64>
    /// Each row divided by its length, as half-precision bits; nil unless the storage keeps them.
    let halves: UnsafeMutablePointer<UInt16>?

    /// Rows are left uninitialised: they are written before any view counts them.
    init(capacity: Int, dimension: Int, keepsHalves: Bool) {
        self.capacity = capacity
        self.dimension = dimension
        halves = keepsHalves
            ? UnsafeMutableRawPointer.allocate(byteCount: capacity * dimension * 2, alignment: 64)
                .bindMemory(to: UInt16.self, capacity: capacity * dimension)
            : nil
        vectors = UnsafeMutableRawPointer.allocate(byteCount: capacity * dimension * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: capacity * dimension)
        squaredNorms = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: capacity)
        ids = UnsafeMutableRawPointer.allocate(byteCount: capacity * 8, alignment: 64)
            .bindMemory(to: Int64.self, capacity: capacity)
    }

    deinit {
        UnsafeMutableRawPointer(vectors).deallocate()
        UnsafeMutableRawPointer(squaredNorms).deallocate()
        UnsafeMutableRawPointer(ids).deallocate()
        halves.map { UnsafeMutableRawPointer($0).deallocate() }
    }

    var byteCount: Int { capacity * (dimension * (halves == nil ? 4 : 6) + 4 + 8) }

    @inline(__always)
    func vector(at row: Int) -> UnsafeMutablePointer<Float> {
        vectors + row * dimension
    }

    /// A private copy holding the first `rows` rows, for a change that must not be seen by views.
    func copy(rows: Int) -> VectorChunk {
        let copy = VectorChunk(capacity: capacity, dimension: dimension, keepsHalves: halves != nil)
        copy.vectors.update(from: vectors, count: rows * dimension)
        if let halves { copy.halves!.update(from: halves, count: rows * dimension) }
        copy.squaredNorms.update(from: squaredNorms, count: rows)
        copy.ids.update(from: ids, count: rows)
        return copy
    }

    func write(row: Int, id: Int64, vector: UnsafePointer<Float>, squaredNorm: Float) {
        ids[row] = id
        squaredNorms[row] = squaredNorm
        self.vector(at: row).update(from: vector, count: dimension)
        writeHalves(row: row)
    }

    /// Row `row`'s half-precision copy, from its vector and squared norm.
    func writeHalves(row: Int) {
        guard let halves else { return }
        let norm = squaredNorms[row].squareRoot()
        halfPrecisionStore(vector(at: row), norm > 0 ? 1 / norm : 0, halves + row * dimension, dimension)
    }
}
