import Foundation
import SearchBackend
import Testing

/// The index snapshot makes restarts fast but is never trusted over the store: a reopened collection
/// answers as before, whether its snapshot is current, stale, missing or damaged.
@Suite struct SnapshotTests {
    static let indexes = [IndexSpec(kind: .flat, metric: .l2), IndexSpec(kind: .hnsw, metric: .cosine)]

    @Test(arguments: indexes)
    func reopeningGivesTheSameAnswers(index: IndexSpec) async throws {
        let directory = try TemporaryDirectory()
        let vectors = TestVectors.clustered(count: 1_500, dimension: 32, clusters: 20, spread: 0.3, seed: 30)
        var backend = try await TestCollection.open(in: directory, dimension: 32, index: index)
        let ids = try await TestCollection.insert(TestVectors.images(vectors), into: backend)
        _ = try await backend.remove(ids: [ids["image-3"]!, ids["image-700"]!])
        let queries = TestVectors.random(count: 20, dimension: 32, seed: 31)
        var before: [[SearchHit]] = []
        for query in queries { before.append(try await backend.search(query, topK: 10, maxDistance: nil)) }
        try await backend.close()
        #expect(FileManager.default.fileExists(atPath: directory.collectionFile("index.snapshot").path))

        backend = try await TestCollection.open(in: directory, dimension: 32, index: index)
        #expect(try await backend.statistics().count == 1_498)
        for (query, expected) in zip(queries, before) {
            #expect(try await backend.search(query, topK: 10, maxDistance: nil) == expected)
        }
        try await backend.close()
    }

    /// Writes acknowledged after the last snapshot, by a backend that is never closed, are all there
    /// when a new provider opens the directory: replayed on top of the snapshot, or rebuilt without one.
    @Test(arguments: indexes, [true, false])
    func acknowledgedWritesSurviveAnUncleanStop(index: IndexSpec, snapshotFirst: Bool) async throws {
        let directory = try TemporaryDirectory()
        let first = TestVectors.random(count: 400, dimension: 16, seed: 32)
        let second = TestVectors.random(count: 300, dimension: 16, seed: 33)
        var backend = try await TestCollection.open(in: directory, dimension: 16, index: index)
        let firstIDs = try await TestCollection.insert(TestVectors.images(first, prefix: "first"), into: backend)
        if snapshotFirst {
            try await backend.close()
            backend = try await TestCollection.open(in: directory, dimension: 16, index: index)
        }
        let secondIDs = try await TestCollection.insert(TestVectors.images(second, prefix: "second"), into: backend)
        let removed = (0..<50).map { firstIDs["first-\($0)"]! }
        _ = try await backend.remove(ids: removed)

        let reopened = try await TestCollection.open(in: directory, dimension: 16, index: index)
        #expect(try await reopened.statistics().count == 650)
        for index in 0..<50 { #expect(try await reopened.image(name: "first-\(index)", includeVector: false) == nil) }
        try await expectEachImageFindsItself(Array(second.enumerated()).map { (secondIDs["second-\($0.offset)"]!, $0.element) }, in: reopened)
        for vector in first.prefix(50) {
            let hits = try await reopened.search(vector, topK: 5, maxDistance: nil)
            #expect(hits.allSatisfy { !removed.contains($0.id) })
        }
        try await reopened.close()
        withExtendedLifetime(backend) {}
    }

    enum Damage: String, CaseIterable {
        case overwrittenMiddle, truncated, garbageHeader, empty
    }

    @Test(arguments: Damage.allCases)
    func damagedSnapshotsAreRebuiltFromTheStore(damage: Damage) async throws {
        let directory = try TemporaryDirectory()
        let vectors = TestVectors.random(count: 1_000, dimension: 64, seed: 34)
        var backend = try await TestCollection.open(in: directory, dimension: 64)
        let ids = try await TestCollection.insert(TestVectors.images(vectors), into: backend)
        try await backend.close()

        let snapshot = directory.collectionFile("index.snapshot")
        try Self.apply(damage, to: snapshot)
        let items = vectors.enumerated().map { (ids["image-\($0.offset)"]!, $0.element) }
        backend = try await TestCollection.open(in: directory, dimension: 64)
        #expect(try await backend.statistics().count == 1_000)
        try await expectEachImageFindsItself(items, in: backend)
        try await backend.close()

        backend = try await TestCollection.open(in: directory, dimension: 64)
        try await expectEachImageFindsItself(items, in: backend)
        try await backend.close()
    }

    /// After `snapshotInterval` changes a snapshot appears without `close()`, and a later unclean stop
    /// replays only what came after it.
    @Test func snapshotsAreWrittenInTheBackground() async throws {
        let directory = try TemporaryDirectory()
        let vectors = TestVectors.random(count: 260, dimension: 8, seed: 35)
        let backend = try await TestCollection.open(in: directory, dimension: 8, snapshotInterval: 100)
        let ids = try await TestCollection.insert(TestVectors.images(Array(vectors.prefix(150))), into: backend, batchSize: 16)
        let snapshot = directory.collectionFile("index.snapshot")
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: snapshot.path) {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(FileManager.default.fileExists(atPath: snapshot.path))
        let moreIDs = try await TestCollection.insert(TestVectors.images(Array(vectors.suffix(110)), prefix: "more"), into: backend, batchSize: 16)

        let reopened = try await TestCollection.open(in: directory, dimension: 8)
        #expect(try await reopened.statistics().count == 260)
        let items = vectors.prefix(150).enumerated().map { (ids["image-\($0.offset)"]!, $0.element) }
            + vectors.suffix(110).enumerated().map { (moreIDs["more-\($0.offset)"]!, $0.element) }
        try await expectEachImageFindsItself(items, in: reopened)
        try await reopened.close()
        try await backend.close()
    }

    /// A current snapshot is what a reopened index is loaded from: a vector changed in the store
    /// behind the backend's back (which a rebuild would pick up) is not seen.
    @Test func reopeningLoadsTheSnapshotInsteadOfRebuilding() async throws {
        let directory = try TemporaryDirectory()
        let vectors = TestVectors.random(count: 50, dimension: 4, seed: 37)
        var backend = try await TestCollection.open(in: directory, dimension: 4)
        let ids = try await TestCollection.insert(TestVectors.images(vectors), into: backend)
        try await backend.close()
        try StoreTampering.execute("UPDATE images SET vector = x'0000803F0000803F0000803F0000803F' WHERE name = 'image-0'", on: directory.collectionFile("records.sqlite"))

        backend = try await TestCollection.open(in: directory, dimension: 4)
        #expect(try await backend.search(vectors[0], topK: 1, maxDistance: nil).first?.id == ids["image-0"])
        #expect(try await backend.image(name: "image-0", includeVector: true)?.vector == [1, 1, 1, 1])
        try await backend.close()
    }

    /// A snapshot newer than the store (the database was restored from a backup) is not used: the
    /// index is rebuilt to what the store holds.
    @Test func snapshotNewerThanTheStoreIsNotUsed() async throws {
        let directory = try TemporaryDirectory()
        let vectors = TestVectors.random(count: 200, dimension: 8, seed: 38)
        var backend = try await TestCollection.open(in: directory, dimension: 8)
        try await TestCollection.insert(TestVectors.images(Array(vectors.prefix(100))), into: backend)
        try await backend.close()
        let database = directory.collectionFile("records.sqlite")
        let backup = directory.url.appendingPathComponent("backup.sqlite")
        try FileManager.default.copyItem(at: database, to: backup)

        backend = try await TestCollection.open(in: directory, dimension: 8)
        try await TestCollection.insert(TestVectors.images(Array(vectors.suffix(100)), prefix: "later"), into: backend)
        try await backend.close()
        try FileManager.default.removeItem(at: database)
        try FileManager.default.copyItem(at: backup, to: database)

        backend = try await TestCollection.open(in: directory, dimension: 8)
        #expect(try await backend.statistics().count == 100)
        for vector in vectors.suffix(100) {
            #expect(try await backend.search(vector, topK: 1, maxDistance: nil).first?.name.hasPrefix("image-") == true)
        }
        try await backend.close()
    }

    /// The snapshot of another index kind does not fit: the new index is built from the store.
    @Test func changingTheIndexKindRebuildsFromTheStore() async throws {
        let directory = try TemporaryDirectory()
        let vectors = TestVectors.random(count: 500, dimension: 16, seed: 36)
        var backend = try await TestCollection.open(in: directory, dimension: 16, index: IndexSpec(kind: .flat, metric: .l2))
        let ids = try await TestCollection.insert(TestVectors.images(vectors), into: backend)
        try await backend.close()

        backend = try await TestCollection.open(in: directory, dimension: 16, index: IndexSpec(kind: .hnsw, metric: .l2))
        #expect(try await backend.statistics().index.kind == .hnsw)
        try await expectEachImageFindsItself(vectors.enumerated().map { (ids["image-\($0.offset)"]!, $0.element) }, in: backend)
        try await backend.close()
    }

    private func expectEachImageFindsItself(_ items: [(Int64, [Float])], in backend: any SearchBackend, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for (id, vector) in items {
            let hit = try await backend.search(vector, topK: 1, maxDistance: nil).first
            #expect(hit?.id == id, sourceLocation: sourceLocation)
            #expect((hit?.distance ?? 1) < 1e-3, sourceLocation: sourceLocation)
        }
    }

    private static func apply(_ damage: Damage, to file: URL) throws {
        var bytes = try Data(contentsOf: file)
        switch damage {
        case .overwrittenMiddle:
            let middle = bytes.count / 2
            bytes.replaceSubrange(middle..<(middle + 64), with: [UInt8](repeating: 0x7F, count: 64))
        case .truncated:
            bytes = bytes.prefix(bytes.count - 1_000)
        case .garbageHeader:
            bytes.replaceSubrange(0..<16, with: [UInt8](repeating: 0xAB, count: 16))
        case .empty:
            bytes = Data()
        }
        try bytes.write(to: file)
    }
}
