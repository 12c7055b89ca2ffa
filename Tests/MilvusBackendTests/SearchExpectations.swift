import SearchBackend
import TestSupport
import Testing

/// Checks of search results against the brute-force reference.
enum SearchExpectations {
    /// Inserts 500 random vectors and expects 10-nearest searches for 10 queries to return exactly the
    /// reference's neighbours, nearest first, with the reference's distances (within 1e-3).
    static func checkExact(_ backend: any SearchBackend, metric: Metric, dimension: Int, seed: UInt64) async throws {
        let images = TestImages.make(count: 500, dimension: dimension, seed: seed)
        let ids = try await backend.insert(images)
        let items = Dictionary(uniqueKeysWithValues: zip(ids, images.map(\.vector)))
        var generator = SeededGenerator(seed: seed + 1_000)
        for _ in 0..<10 {
            let query = TestImages.vector(dimension: dimension, using: &generator)
            let reference = BruteForce.distances(query, to: items, metric: metric)
            let nearest = reference.values.sorted().prefix(10)
            let hits = try await backend.search(query, topK: 10, maxDistance: nil)
            try #require(hits.count == 10)
            for (rank, (hit, expected)) in zip(hits, nearest).enumerated() {
                let distance = try #require(reference[hit.id])
                // The hit at each rank is a true neighbour of that rank (ties may swap), and its
                // reported distance is the reference distance.
                #expect(BruteForce.isClose(distance, expected), "rank \(rank): id \(hit.id) is at \(distance), the reference's is at \(expected)")
                #expect(BruteForce.isClose(Double(hit.distance), distance), "rank \(rank): reported \(hit.distance), reference \(distance)")
            }
        }
    }

    /// The share of the exact 10 nearest that `backend` finds, over 20 random queries.
    static func recallAt10(_ backend: any SearchBackend, items: [Int64: [Float]], metric: Metric, dimension: Int, seed: UInt64) async throws -> Double {
        var generator = SeededGenerator(seed: seed)
        var found = 0
        for _ in 0..<20 {
            let query = TestImages.vector(dimension: dimension, using: &generator)
            let reference = BruteForce.distances(query, to: items, metric: metric)
            let exact = Set(reference.sorted { $0.value < $1.value }.prefix(10).map(\.key))
            let hits = try await backend.search(query, topK: 10, maxDistance: nil)
            found += hits.filter { exact.contains($0.id) }.count
        }
        return Double(found) / 200
    }
}
