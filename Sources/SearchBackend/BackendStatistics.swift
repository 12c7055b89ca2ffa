/// What a backend reports about one collection.
public struct BackendStatistics: Sendable, Equatable {
    /// "embedded" or "milvus".
    public var backend: String
    public var count: Int
    public var index: IndexSpec
    /// Bytes the in-memory index holds (vectors and graph), as far as the backend can tell.
    public var memoryBytes: Int

    public init(backend: String, count: Int, index: IndexSpec, memoryBytes: Int) {
        self.backend = backend
        self.count = count
        self.index = index
        self.memoryBytes = memoryBytes
    }
}
