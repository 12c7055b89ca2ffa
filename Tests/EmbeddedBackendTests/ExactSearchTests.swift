import SearchBackend
import TestSupport
import Testing

/// FLAT answers exactly what a brute-force scan in double precision answers.
@Suite struct ExactSearchTests {
    @Test(arguments: Metric.allCases)
    func topTenMatchesBruteForce(metric: Metric) async throws {
        let fixture = try await Fixture(metric: metric, count: 2_000, dimension: 64)
        for query in TestVectors.random(count: 20, dimension: 64, seed: 11) {
            let hits = try await fixture.backend.search(query, topK: 10, maxDistance: nil)
            let reference = BruteForce.ranked(query, among: fixture.items, metric: metric)
            SearchExpectations.expectExact(hits, reference: Array(reference.prefix(10)), items: fixture.items, query: query, metric: metric)
        }
        try await fixture.backend.close()
    }

    /// With `maxDistance` halfway between the 25th and 26th neighbour, exactly 25 come back even when
    /// more are asked for, and `topK` still caps the answer when fewer are.
    @Test(arguments: Metric.allCases)
    func maxDistanceLeavesOutFartherImages(metric: Metric) async throws {
        let fixture = try await Fixture(metric: metric, count: 2_000, dimension: 64)
        for query in TestVectors.random(count: 10, dimension: 64, seed: 12) {
            let reference = BruteForce.ranked(query, among: fixture.items, metric: metric)
            let limit = Float((reference[24].distance + reference[25].distance) / 2)
            let within = try await fixture.backend.search(query, topK: 50, maxDistance: limit)
            SearchExpectations.expectExact(within, reference: Array(reference.prefix(25)), items: fixture.items, query: query, metric: metric)
            let capped = try await fixture.backend.search(query, topK: 10, maxDistance: limit)
            #expect(capped.map(\.id) == Array(within.prefix(10)).map(\.id))
        }
        try await fixture.backend.close()
    }

    /// Vectors filling more than one chunk (256-d rows make 4,096-row chunks) are scanned by several
    /// threads; the merged answer must still be exact.
    @Test(arguments: [Metric.l2, .innerProduct])
    func parallelScanMatchesBruteForce(metric: Metric) async throws {
        let fixture = try await Fixture(metric: metric, count: 10_000, dimension: 256, searchThreads: 2)
        for query in TestVectors.random(count: 10, dimension: 256, seed: 13) {
            let hits = try await fixture.backend.search(query, topK: 20, maxDistance: nil)
            let reference = BruteForce.ranked(query, among: fixture.items, metric: metric)
            SearchExpectations.expectExact(hits, reference: Array(reference.prefix(20)), items: fixture.items, query: query, metric: metric)
        }
        try await fixture.backend.close()
    }

    /// Removal moves rows between chunks (1024-d rows make 1024-row chunks); the index must keep
    /// matching the remaining images through removals and later inserts.
    @Test func removalsAndLaterInsertsKeepSearchExact() async throws {
        var fixture = try await Fixture(metric: .l2, count: 3_000, dimension: 1_024)
        var generator = SeededGenerator(seed: 14)
        let removed = Array(fixture.items.keys.shuffled(using: &generator).prefix(1_000))
        #expect(try await fixture.backend.remove(ids: removed).count == 1_000)
        removed.forEach { fixture.items[$0] = nil }
        let more = TestVectors.random(count: 500, dimension: 1_024, seed: 15)
        let ids = try await TestCollection.insert(TestVectors.images(more, prefix: "more"), into: fixture.backend)
        for (index, vector) in more.enumerated() { fixture.items[ids["more-\(index)"]!] = vector }

        #expect(try await fixture.backend.statistics().count == 2_500)
        for query in TestVectors.random(count: 10, dimension: 1_024, seed: 16) {
            let hits = try await fixture.backend.search(query, topK: 10, maxDistance: nil)
            let reference = BruteForce.ranked(query, among: fixture.items, metric: .l2)
            SearchExpectations.expectExact(hits, reference: Array(reference.prefix(10)), items: fixture.items, query: query, metric: .l2)
        }
        try await fixture.backend.close()
    }

    /// A crowd of near-ties (the scan's first pass, where the CPU has F16C, reads half-precision
    /// rows) still gets its exact top ten, in every metric: where the rows' bounds cannot vouch for
    /// the cut, the rows are scanned again exactly.
    @Test(arguments: Metric.allCases)
    func nearTiesGetTheExactTopTen(metric: Metric) async throws {
        try await expectExactTopTen(metric: metric, crowdSpread: 3e-2, queryOffset: 0.5, separation: 1e-5)
    }

    /// A crowd that half precision cannot rank at all (queries close to it; the tenth and eleventh
    /// neighbours 10⁻⁴ apart, which single precision tells apart): the true top ten lie outside the
    /// rows with the lowest half-precision bounds, so only the exact scan finds them.
    @Test func aCrowdHalfPrecisionCannotRankGetsTheExactTopTen() async throws {
        try await expectExactTopTen(metric: .l2, crowdSpread: 1e-2, queryOffset: 0.05, separation: 1e-4)
    }

    /// Ten queries near the first of 3,000 rows around one centre (`crowdSpread`), among 3,000 random
    /// rows: the top ten ids are the true ones for each query whose tenth and eleventh true
    /// neighbours are `separation` apart (relative, at least absolute), at least five of them.
    private func expectExactTopTen(metric: Metric, crowdSpread: Float, queryOffset: Float, separation: Double) async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(
            in: directory, dimension: 256, index: IndexSpec(kind: .flat, metric: metric), searchThreads: 2)
        let crowd = TestVectors.clustered(count: 3_000, dimension: 256, clusters: 1, spread: crowdSpread, seed: 17)
        let vectors = crowd + TestVectors.random(count: 3_000, dimension: 256, seed: 18)
        let ids = try await TestCollection.insert(TestVectors.images(vectors), into: backend)
        let items = Dictionary(uniqueKeysWithValues: vectors.enumerated().map { (ids["image-\($0.offset)"]!, $0.element) })
        var checked = 0
        for offset in TestVectors.random(count: 10, dimension: 256, seed: 19) {
            let query = zip(crowd[0], offset).map { $0 + queryOffset * $1 }
            let reference = BruteForce.ranked(query, among: items, metric: metric)
            guard reference[10].distance - reference[9].distance > separation * max(1, abs(reference[9].distance)) else { continue }
            let hits = try await backend.search(query, topK: 10, maxDistance: nil)
            #expect(Set(hits.map(\.id)) == Set(reference.prefix(10).map(\.id)))
            checked += 1
        }
        #expect(checked >= 5)
        try await backend.close()
    }

    @Test func emptyCollectionsAndZeroTopKAnswerNothing() async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 4)
        #expect(try await backend.search([1, 2, 3, 4], topK: 5, maxDistance: nil).isEmpty)
        _ = try await backend.insert([NewImage(name: "a", contentSHA256: "00", metadata: [:], vector: [1, 2, 3, 4])])
        #expect(try await backend.search([1, 2, 3, 4], topK: 0, maxDistance: nil).isEmpty)
        let negative = await #expect(throws: BackendError.self) { try await backend.search([1, 2, 3, 4], topK: -1, maxDistance: nil) }
        #expect(negative?.code == .invalidArgument)
        let hit = try #require(try await backend.search([1, 2, 3, 4], topK: 5, maxDistance: nil).first)
        #expect(hit.name == "a" && hit.distance < 1e-3)
        try await backend.close()
    }

    /// A collection of `count` random images in a FLAT index, and their vectors by id.
    private struct Fixture {
        let directory: TemporaryDirectory
        let backend: any SearchBackend
        var items: [Int64: [Float]]

        init(metric: Metric, count: Int, dimension: Int, searchThreads: Int = 1) async throws {
            directory = try TemporaryDirectory()
            backend = try await TestCollection.open(in: directory, dimension: dimension, index: IndexSpec(kind: .flat, metric: metric), searchThreads: searchThreads)
            let vectors = TestVectors.random(count: count, dimension: dimension, seed: 10)
            let ids = try await TestCollection.insert(TestVectors.images(vectors), into: backend)
            items = Dictionary(uniqueKeysWithValues: vectors.enumerated().map { (ids["image-\($0.offset)"]!, $0.element) })
        }
    }
}
