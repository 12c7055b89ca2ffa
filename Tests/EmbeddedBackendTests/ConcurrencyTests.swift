import SearchBackend
import Testing

/// Many tasks inserting, removing and searching at once: every acknowledged insert is stored and
/// searchable, every answer is well-formed, and nothing is lost or duplicated.
@Suite struct ConcurrencyTests {
    static let writers = 6, batchesPerWriter = 10, batchSize = 16

    @Test(arguments: [IndexSpec.Kind.flat, .hnsw])
    func concurrentWritesAndSearches(kind: IndexSpec.Kind) async throws {
        let directory = try TemporaryDirectory()
        let backend = try await TestCollection.open(in: directory, dimension: 32, index: IndexSpec(kind: kind, metric: .l2), snapshotInterval: 300)
        let seedIDs = try await backend.insert(TestVectors.images(TestVectors.random(count: 200, dimension: 32, seed: 50), prefix: "seed"))
        let written = try await withThrowingTaskGroup(of: [(Int64, [Float])].self) { group in
            for writer in 0..<Self.writers {
                group.addTask { try await Self.write(writer, into: backend) }
            }
            for reader in 0..<6 {
                group.addTask { try await Self.search(backend, seed: UInt64(60 + reader)) }
            }
            group.addTask {
                for start in stride(from: 0, to: 100, by: 10) { _ = try await backend.remove(ids: Array(seedIDs[start..<(start + 10)])) }
                return []
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        let expectedCount = Self.writers * Self.batchesPerWriter * Self.batchSize
        #expect(written.count == expectedCount)
        #expect(Set(written.map(\.0)).count == expectedCount)
        #expect(try await backend.statistics().count == expectedCount + 100)
        var foundThemselves = 0
        for (id, vector) in written where try await backend.search(vector, topK: 1, maxDistance: nil).first?.id == id {
            foundThemselves += 1
        }
        #expect(kind == .flat ? foundThemselves == expectedCount : foundThemselves >= expectedCount * 98 / 100)
        try await backend.close()
    }

    private static func write(_ writer: Int, into backend: any SearchBackend) async throws -> [(Int64, [Float])] {
        var written: [(Int64, [Float])] = []
        for batch in 0..<batchesPerWriter {
            let vectors = TestVectors.random(count: batchSize, dimension: 32, seed: UInt64(1_000 * writer + batch))
            let ids = try await backend.insert(TestVectors.images(vectors, prefix: "w\(writer)-b\(batch)"))
            #expect(ids == ids.sorted())
            written += zip(ids, vectors).map { ($0, $1) }
        }
        return written
    }

    private static func search(_ backend: any SearchBackend, seed: UInt64) async throws -> [(Int64, [Float])] {
        for query in TestVectors.random(count: 25, dimension: 32, seed: seed) {
            let hits = try await backend.search(query, topK: 10, maxDistance: nil)
            #expect(hits.count == 10)
            #expect(hits.map(\.distance) == hits.map(\.distance).sorted())
            #expect(Set(hits.map(\.id)).count == hits.count)
        }
        return []
    }
}
