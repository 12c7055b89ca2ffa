/// Which graph nodes a search has already scored: one bit per node, so a search over 100k nodes
/// allocates and clears 12.5 KB instead of hashing every visit.
struct VisitedSet {
    private var words: [UInt64]

    init(nodeCount: Int) {
        words = [UInt64](repeating: 0, count: (nodeCount + 63) / 64)
    }

    /// Marks `node`; returns false if it was already marked.
    @inline(__always)
    mutating func insert(_ node: Int) -> Bool {
        let bit = UInt64(1) << UInt64(node & 63)
        let word = node >> 6
        guard words[word] & bit == 0 else { return false }
        words[word] |= bit
        return true
    }
}
