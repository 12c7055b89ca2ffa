import Foundation
import SearchBackend
import Testing

/// A write the store refuses is reported as a `BackendError` and changes nothing: not the store, not
/// the index, not the ids handed out next.
@Suite struct WriteFailureTests {
    @Test(arguments: [IndexSpec.Kind.flat, .hnsw])
    func failedInsertChangesNothing(kind: IndexSpec.Kind) async throws {
        let fixture = try await Fixture(kind: kind)
        try StoreTampering.execute("CREATE TRIGGER refuse_poison BEFORE INSERT ON images WHEN NEW.name = 'poison' BEGIN SELECT RAISE(ABORT, 'injected failure'); END", on: fixture.database)
        let fresh = TestVectors.images(TestVectors.random(count: 3, dimension: 8, seed: 71), prefix: "fresh")
        let poison = NewImage(name: "poison", contentSHA256: "ff", metadata: [:], vector: fresh[0].vector)

        let error = await #expect(throws: BackendError.self) { try await fixture.backend.insert(fresh + [poison]) }
        #expect(error?.code == .storageFailure)
        #expect(error?.message.contains("injected failure") == true)
        #expect(error?.message.contains(fixture.database.path) == true)
        try await fixture.expectUnchanged()
        #expect(try await fixture.backend.image(name: "fresh-0", includeVector: false) == nil)
        #expect(try await fixture.backend.search(fresh[0].vector, topK: 1, maxDistance: nil).first?.name != "fresh-0")

        try StoreTampering.execute("DROP TRIGGER refuse_poison", on: fixture.database)
        let ids = try await fixture.backend.insert(fresh)
        #expect(ids.allSatisfy { $0 > fixture.ids.values.max()! })
        #expect(try await fixture.backend.search(fresh[0].vector, topK: 1, maxDistance: nil).first?.name == "fresh-0")
        try await fixture.backend.close()
    }

    @Test(arguments: [IndexSpec.Kind.flat, .hnsw])
    func failedRemovalChangesNothing(kind: IndexSpec.Kind) async throws {
        let fixture = try await Fixture(kind: kind)
        try StoreTampering.execute("CREATE TRIGGER refuse_removal BEFORE DELETE ON images WHEN OLD.name = 'image-7' BEGIN SELECT RAISE(ABORT, 'injected failure'); END", on: fixture.database)

        let error = await #expect(throws: BackendError.self) {
            try await fixture.backend.remove(ids: [fixture.ids["image-3"]!, fixture.ids["image-7"]!])
        }
        #expect(error?.code == .storageFailure)
        try await fixture.expectUnchanged()
        #expect(try await fixture.backend.image(name: "image-3", includeVector: false) != nil)
        #expect(try await fixture.backend.search(fixture.vectors[3], topK: 1, maxDistance: nil).first?.name == "image-3")
        try await fixture.backend.close()
    }

    /// 100 images and the answers to a few searches, to compare against after a failed write.
    private struct Fixture {
        let directory: TemporaryDirectory
        let backend: any SearchBackend
        let vectors: [[Float]]
        let ids: [String: Int64]
        let queries: [[Float]]
        let answers: [[SearchHit]]

        var database: URL { directory.collectionFile("records.sqlite") }

        init(kind: IndexSpec.Kind) async throws {
            directory = try TemporaryDirectory()
            backend = try await TestCollection.open(in: directory, dimension: 8, index: IndexSpec(kind: kind, metric: .l2))
            vectors = TestVectors.random(count: 100, dimension: 8, seed: 70)
            ids = try await TestCollection.insert(TestVectors.images(vectors), into: backend)
            queries = TestVectors.random(count: 5, dimension: 8, seed: 72)
            var answers: [[SearchHit]] = []
            for query in queries { answers.append(try await backend.search(query, topK: 10, maxDistance: nil)) }
            self.answers = answers
        }

        func expectUnchanged(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            #expect(try await backend.statistics().count == 100, sourceLocation: sourceLocation)
            for (query, answer) in zip(queries, answers) {
                #expect(try await backend.search(query, topK: 10, maxDistance: nil) == answer, sourceLocation: sourceLocation)
            }
        }
    }
}
