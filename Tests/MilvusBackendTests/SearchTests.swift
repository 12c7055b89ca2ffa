import MilvusBackend
import SearchBackend
import TestSupport
import Testing

@Suite("Exact search (Milvus Lite)")
struct SearchTests {
    @Test("FLAT search matches brute force: same order, distances within 1e-3", arguments: Metric.allCases)
    func flatIsExact(metric: Metric) async throws {
        try await TestCollection.use(on: try TestServers.lite(), model: TestCollection.model(dimension: 32), index: IndexSpec(kind: .flat, metric: metric)) { backend, _ in
            try await SearchExpectations.checkExact(backend, metric: metric, dimension: 32, seed: 10)
        }
    }

    @Test("IVF_FLAT visiting every cluster (nprobe = nlist) matches brute force", arguments: [Metric.l2, .cosine])
    func ivfFlatIsExactWhenVisitingAllClusters(metric: Metric) async throws {
        let index = IndexSpec(kind: .ivfFlat, metric: metric, parameters: ["nlist": 8, "nprobe": 8])
        try await TestCollection.use(on: try TestServers.lite(), model: TestCollection.model(dimension: 32), index: index) { backend, _ in
            try await SearchExpectations.checkExact(backend, metric: metric, dimension: 32, seed: 11)
            #expect(try await backend.statistics().index == index)
        }
    }

    @Test("maxDistance keeps only the hits within it", arguments: Metric.allCases)
    func maxDistance(metric: Metric) async throws {
        try await TestCollection.use(on: try TestServers.lite(), index: IndexSpec(kind: .flat, metric: metric)) { backend, _ in
            let images = TestImages.make(count: 100, dimension: 16, seed: 12)
            let ids = try await backend.insert(images)
            let query = images[0].vector
            let reference = BruteForce.distances(query, to: Dictionary(uniqueKeysWithValues: zip(ids, images.map(\.vector))), metric: metric)
            let sorted = reference.values.sorted()
            let limit = Float((sorted[4] + sorted[5]) / 2)  // between the 5th and 6th nearest
            let hits = try await backend.search(query, topK: 20, maxDistance: limit)
            #expect(hits.count == 5)
            #expect(hits.allSatisfy { $0.distance <= limit })
            #expect(hits.first?.id == ids[0] || metric == .innerProduct)
        }
    }

    @Test("an empty collection finds nothing; hits carry names and metadata")
    func emptyAndHitContents() async throws {
        try await TestCollection.use(on: try TestServers.lite()) { backend, _ in
            #expect(try await backend.search(Array(repeating: 0.1, count: 16), topK: 5, maxDistance: nil).isEmpty)
            let images = TestImages.make(count: 3, dimension: 16, seed: 13)
            let ids = try await backend.insert(images)
            let hit = try #require(try await backend.search(images[1].vector, topK: 1, maxDistance: nil).first)
            #expect(hit == SearchHit(id: ids[1], name: images[1].name, distance: 0, metadata: images[1].metadata))
        }
    }
}
