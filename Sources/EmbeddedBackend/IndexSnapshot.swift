import SearchBackend

/// The contents of an in-memory index at one change number of the store: what `SnapshotWriter`
/// writes to `index.snapshot` and `SnapshotReader` reads back.
///
/// The vectors are a `VectorStorage` view and the graph a value copy, so taking a snapshot costs next
/// to nothing and writing it out does not hold up the index.
struct IndexSnapshot: Sendable {
    var kind: IndexSpec.Kind
    var metric: Metric
    /// The store's change sequence number that these contents include.
    var sequence: Int64
    /// FLAT: the live rows. HNSW: every graph node, removed ones included (see `HNSWGraph.deleted`).
    var vectors: VectorStorage
    /// HNSW only.
    var graph: HNSWGraph?

    var dimension: Int { vectors.dimension }
}
