import SearchBackend
import TestSupport
import Testing

/// HNSW with its default parameters (M 16, efConstruction 200, ef 64) finds at least 95 % of the true
/// ten nearest neighbours on clustered data, and never returns a removed image.
@Suite struct HNSWSearchTests {
    @Test(arguments: Metric.allCases)
    func recallAtTenIsAtLeastNinetyFivePercent(metric: Metric) async throws {
        let fixture = try await Fixture(metric: metric)
        var recall = 0.0
        for query in fixture.queries {
            let hits = try await fixture.backend.search(query, topK: 10, maxDistance: nil)
            #expect(hits.map(\.distance) == hits.map(\.distance).sorted())
            recall += SearchExpectations.recall(hits, reference: BruteForce.ranked(query, among: fixture.items, metric: metric), k: 10)
        }
        recall /= Double(fixture.queries.count)
        #expect(recall >= 0.95, "recall@10 \(recall)")
        try await fixture.backend.close()
    }

    /// A third of the images, whole clusters among them, removed: none comes back, and recall over
    /// the rest holds.
    @Test(arguments: [Metric.l2, .cosine])
    func removedImagesAreNeverReturned(metric: Metric) async throws {
        var fixture = try await Fixture(metric: metric)
        var generator = SeededGenerator(seed: 21)
        let wholeClusters = fixture.ids.filter { $0.key.hasPrefix("image-") && Int($0.key.dropFirst(6))! % 50 < 5 }.map(\.value)
        let scattered = fixture.items.keys.shuffled(using: &generator).prefix(1_200)
        let removed = Set(wholeClusters).union(scattered)
        #expect(try await fixture.backend.remove(ids: Array(removed)).count == removed.count)
        removed.forEach { fixture.items[$0] = nil }

        var recall = 0.0
        for query in fixture.queries {
            let hits = try await fixture.backend.search(query, topK: 10, maxDistance: nil)
            #expect(hits.count == 10)
            #expect(hits.allSatisfy { !removed.contains($0.id) })
            recall += SearchExpectations.recall(hits, reference: BruteForce.ranked(query, among: fixture.items, metric: metric), k: 10)
        }
        #expect(recall / Double(fixture.queries.count) >= 0.95)
        try await fixture.backend.close()
    }

    /// Every node removed, then new ones added: they must link through the removed ones to the entry
    /// point, or searches could never reach them.
    @Test func aCollectionEmptiedAndRefilledIsSearchable() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 16, index: IndexSpec(kind: .hnsw, metric: .l2))
        let old = try await TestCollection.insert(TestVectors.images(TestVectors.random(count: 300, dimension: 16, seed: 23), prefix: "old"), into: backend)
        _ = try await backend.remove(ids: Array(old.values))
        #expect(try await backend.search(TestVectors.random(count: 1, dimension: 16, seed: 24)[0], topK: 5, maxDistance: nil).isEmpty)

        let vectors = TestVectors.random(count: 200, dimension: 16, seed: 25)
        let ids = try await TestCollection.insert(TestVectors.images(vectors, prefix: "new"), into: backend, batchSize: 16)
        for (index, vector) in vectors.enumerated() {
            #expect(try await backend.search(vector, topK: 1, maxDistance: nil).first?.id == ids["new-\(index)"])
        }
        try await backend.close()
    }

    @Test func maxDistanceLeavesOutFartherImages() async throws {
        let fixture = try await Fixture(metric: .l2)
        for query in fixture.queries.prefix(20) {
            let all = try await fixture.backend.search(query, topK: 10, maxDistance: nil)
            try #require(all.count == 10)
            let limit = all[4].distance
            let within = try await fixture.backend.search(query, topK: 10, maxDistance: limit)
            #expect(within.allSatisfy { $0.distance <= limit })
            #expect(within.map(\.id) == all.filter { $0.distance <= limit }.map(\.id))
        }
        try await fixture.backend.close()
    }

    @Test func statisticsReportTheResolvedParameters() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 4, index: IndexSpec(kind: .hnsw, metric: .cosine, parameters: ["ef": 100]))
        _ = try await backend.insert(TestVectors.images(TestVectors.random(count: 10, dimension: 4, seed: 22)))
        let statistics = try await backend.statistics()
        #expect(statistics.backend == "embedded")
        #expect(statistics.count == 10)
        #expect(statistics.index == IndexSpec(kind: .hnsw, metric: .cosine, parameters: ["M": 16, "efConstruction": 200, "ef": 100]))
        #expect(statistics.memoryBytes > 10 * 4 * 4)
        try await backend.close()
    }

    /// 5,000 images of 128 dimensions in 50 clusters, and 100 queries from the same clusters.
    private struct Fixture {
        let directory: TemporaryDirectory
        let backend: any SearchBackend
        let ids: [String: Int64]
        var items: [Int64: [Float]]
        let queries: [[Float]]

        init(metric: Metric) async throws {
            directory = try TemporaryDirectory()
            backend = try await TestCollection.open(in: directory, dimension: 128, index: IndexSpec(kind: .hnsw, metric: metric))
            let vectors = TestVectors.clustered(count: 5_100, dimension: 128, clusters: 50, spread: 0.3, seed: 20)
            let stored = Array(vectors.prefix(5_000))
            queries = Array(vectors.suffix(100))
            let ids = try await TestCollection.insert(TestVectors.images(stored), into: backend)
            self.ids = ids
            items = Dictionary(uniqueKeysWithValues: stored.enumerated().map { (ids["image-\($0.offset)"]!, $0.element) })
        }
    }
}
