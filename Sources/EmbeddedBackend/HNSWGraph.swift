/// The links of an HNSW graph (Malkov & Yashunin, 2016), node by node and level by level. Nodes are
/// numbered in insertion order and are the rows of the index's `VectorStorage`.
///
/// A value type on purpose: a snapshot copies it in O(1) and the next change to the live graph pays
/// for one copy of the arrays it touches (copy-on-write), instead of the index locking out writers
/// while the snapshot is written.
struct HNSWGraph: Sendable {
    /// Links per node on levels ≥ 1 (M); level 0 allows `maxBaseLinks`.
    let maxLinks: Int
    /// The top level of each node.
    private(set) var topLevels: [UInt8] = []
    /// Removed nodes stay in the graph as waypoints, so removal never disconnects it; searches walk
    /// through them but never return them.
    private(set) var deleted: [Bool] = []
    private(set) var deletedCount = 0
    /// Level-0 links, `maxBaseLinks + 1` slots per node: the count, then the neighbours.
    private(set) var baseLinks: [UInt32] = []
    /// Levels 1…top of each node, `maxLinks + 1` slots per level laid out like `baseLinks`; empty
    /// for the nodes (about 15 in 16 with M = 16) that live on level 0 only.
    private(set) var upperLinks: [[UInt32]] = []
    /// The node searches start from, on `maxLevel`; −1 while the graph is empty.
    private(set) var entryPoint = -1
    private(set) var maxLevel = 0

    init(maxLinks: Int) {
        self.maxLinks = maxLinks
    }

    /// A graph read back from a snapshot; `SnapshotReader` has checked every count and node number.
    init(maxLinks: Int, topLevels: [UInt8], deleted: [Bool], baseLinks: [UInt32], upperLinks: [[UInt32]], entryPoint: Int, maxLevel: Int) {
        self.maxLinks = maxLinks
        self.topLevels = topLevels
        self.deleted = deleted
        self.deletedCount = deleted.count { $0 }
        self.baseLinks = baseLinks
        self.upperLinks = upperLinks
        self.entryPoint = entryPoint
        self.maxLevel = maxLevel
    }

    /// Twice M on level 0, as the paper recommends: the bottom level carries every node.
    var maxBaseLinks: Int { 2 * maxLinks }
    var nodeCount: Int { topLevels.count }
    var liveCount: Int { nodeCount - deletedCount }

    var memoryBytes: Int {
        topLevels.count * 2 + baseLinks.count * 4 + upperLinks.reduce(upperLinks.count * 8) { $0 + $1.count * 4 }
    }

    func maxLinks(onLevel level: Int) -> Int {
        level == 0 ? maxBaseLinks : maxLinks
    }

    /// Adds an unlinked node reaching up to `level`; returns its number.
    mutating func addNode(level: Int) -> Int {
        topLevels.append(UInt8(level))
        deleted.append(false)
        baseLinks.append(contentsOf: repeatElement(0, count: maxBaseLinks + 1))
        upperLinks.append(level == 0 ? [] : [UInt32](repeating: 0, count: level * (maxLinks + 1)))
        return nodeCount - 1
    }

    @inline(__always)
    func forEachLink(of node: Int, level: Int, _ body: (Int) -> Void) {
        if level == 0 {
            baseLinks.withUnsafeBufferPointer { Self.forEachLink(in: $0, at: node * (maxBaseLinks + 1), body) }
        } else {
            upperLinks[node].withUnsafeBufferPointer { Self.forEachLink(in: $0, at: (level - 1) * (maxLinks + 1), body) }
        }
    }

    func links(of node: Int, level: Int) -> [Int] {
        var links: [Int] = []
        forEachLink(of: node, level: level) { links.append($0) }
        return links
    }

    mutating func setLinks(of node: Int, level: Int, to links: [Int]) {
        precondition(links.count <= maxLinks(onLevel: level))
        if level == 0 {
            Self.write(links, into: &baseLinks, at: node * (maxBaseLinks + 1))
        } else {
            Self.write(links, into: &upperLinks[node], at: (level - 1) * (maxLinks + 1))
        }
    }

    mutating func markDeleted(_ node: Int) {
        guard !deleted[node] else { return }
        deleted[node] = true
        deletedCount += 1
    }

    mutating func setEntryPoint(_ node: Int) {
        entryPoint = node
        maxLevel = Int(topLevels[node])
    }

    @inline(__always)
    private static func forEachLink(in slots: UnsafeBufferPointer<UInt32>, at start: Int, _ body: (Int) -> Void) {
        let count = Int(slots[start])
        for slot in (start + 1)..<(start + 1 + count) { body(Int(slots[slot])) }
    }

    private static func write(_ links: [Int], into slots: inout [UInt32], at start: Int) {
        slots[start] = UInt32(links.count)
        for (offset, link) in links.enumerated() { slots[start + 1 + offset] = UInt32(link) }
    }
}
