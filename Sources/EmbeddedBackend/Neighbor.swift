/// A candidate result: a row (FLAT), a graph node (HNSW) or an id, with its score (smaller = nearer).
struct Neighbor: Sendable {
    var score: Float
    var item: Int
}
