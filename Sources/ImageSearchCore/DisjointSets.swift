/// Union-find over image ids: pairs of duplicates become groups, however they chain.
struct DisjointSets {
    private var parent: [Int64: Int64] = [:]

    mutating func union(_ a: Int64, _ b: Int64) {
        let (rootA, rootB) = (root(of: a), root(of: b))
        if rootA != rootB { parent[max(rootA, rootB)] = min(rootA, rootB) }
    }

    /// The sets with two or more members, each sorted, ordered by their smallest member.
    var groups: [[Int64]] {
        var copy = self
        var members: [Int64: [Int64]] = [:]
        for id in parent.keys { members[copy.root(of: id), default: []].append(id) }
        return members.map { root, others in ([root] + others.filter { $0 != root }).sorted() }.sorted { $0[0] < $1[0] }
    }

    private mutating func root(of id: Int64) -> Int64 {
        var current = id
        while let next = parent[current], next != current { current = next }
        if current != id { parent[id] = current }
        return current
    }
}
