/// An in-memory nearest-neighbour index over one collection's vectors: `FlatIndex` or `HNSWIndex`.
///
/// The record store is the source of truth; an index only mirrors it, is rebuilt from it when its
/// snapshot is unusable, and is changed only after the store committed. Implementations serialise
/// their own writers and let searches run concurrently with each other and with writes.
protocol VectorIndex: AnyObject, Sendable {
    /// Live (not removed) vectors.
    var count: Int { get }
    /// Bytes held by vectors, norms, ids and graph.
    var memoryBytes: Int { get }

    /// Vectors as given (a metric that needs it normalises them); `ids` are new.
    func add(ids: [Int64], vectors: [[Float]])
    /// Ids the index does not hold are ignored.
    func remove(ids: [Int64])
    /// The `topK` nearest live vectors to `query`, nearest first, those beyond `maxDistance` left out.
    func search(_ query: [Float], topK: Int, maxDistance: Float?) -> [IndexHit]
    /// The current contents, to be written out while the index goes on changing; `sequence` is the
    /// store's change number these contents include.
    func snapshot(sequence: Int64) -> IndexSnapshot
}
