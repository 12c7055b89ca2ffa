import MilvusBackend
import SearchBackend
import Testing

@Suite("Records and lookups (Milvus Lite)")
struct RecordTests {
    @Test("inserted images come back by id, name and content hash")
    func lookups() async throws {
        try await TestCollection.use(on: try TestServers.lite()) { backend, _ in
            let images = TestImages.make(count: 5, dimension: 16, seed: 1)
            let ids = try await backend.insert(images)
            #expect(ids.count == images.count)
            #expect(ids == ids.sorted() && Set(ids).count == ids.count, "ids increase: \(ids)")
            for (image, id) in zip(images, ids) {
                let byID = try #require(try await backend.image(id: id, includeVector: true))
                #expect(byID == ImageRecord(id: id, name: image.name, contentSHA256: image.contentSHA256, metadata: image.metadata, vector: image.vector))
                let byName = try #require(try await backend.image(name: image.name, includeVector: false))
                #expect(byName.id == id && byName.vector == nil && byName.metadata == image.metadata)
                #expect(try await backend.image(contentSHA256: image.contentSHA256)?.id == id)
            }
            #expect(try await backend.image(id: ids.max()! + 1, includeVector: false) == nil)
            #expect(try await backend.image(name: "no such image", includeVector: false) == nil)
            #expect(try await backend.image(contentSHA256: String(repeating: "e", count: 64)) == nil)
        }
    }

    @Test("names with quotes, backslashes and other awkward characters match exactly")
    func awkwardNames() async throws {
        try await TestCollection.use(on: try TestServers.lite()) { backend, _ in
            try await checkRoundTrip(of: AwkwardNames.portable, in: backend)
        }
    }

    @Test("ids keep increasing across inserts and are not reused after removal")
    func idsIncrease() async throws {
        try await TestCollection.use(on: try TestServers.lite()) { backend, _ in
            let first = try await backend.insert(TestImages.make(count: 3, dimension: 16, seed: 2, namePrefix: "first"))
            #expect(try await backend.remove(ids: [first[2]]) == [first[2]])
            let second = try await backend.insert(TestImages.make(count: 3, dimension: 16, seed: 3, namePrefix: "second"))
            #expect(second.min()! > first.max()!)
        }
    }

    @Test("remove returns the ids that existed; removed images are gone from lookups, search and count")
    func remove() async throws {
        try await TestCollection.use(on: try TestServers.lite()) { backend, _ in
            let images = TestImages.make(count: 10, dimension: 16, seed: 4)
            let ids = try await backend.insert(images)
            #expect(try await backend.statistics().count == 10)
            let missing = ids.max()! + 1_000
            #expect(try await backend.remove(ids: [ids[3], missing, ids[7], ids[3]]) == [ids[3], ids[7]])
            #expect(try await backend.image(id: ids[3], includeVector: false) == nil)
            #expect(try await backend.image(name: images[7].name, includeVector: false) == nil)
            #expect(try await backend.statistics().count == 8)
            let hits = try await backend.search(images[3].vector, topK: 10, maxDistance: nil)
            #expect(!hits.map(\.id).contains(ids[3]) && !hits.map(\.id).contains(ids[7]))
            #expect(hits.count == 8)
            #expect(try await backend.remove(ids: []) == [])
        }
    }

    @Test("a large insert is split into batches under the message limit")
    func largeInsert() async throws {
        let model = TestCollection.model(dimension: 1_024)
        try await TestCollection.use(on: try TestServers.lite(), model: model) { backend, _ in
            let images = TestImages.make(count: 1_500, dimension: 1_024, seed: 5)  // about 6 MiB of vectors
            let ids = try await backend.insert(images)
            #expect(ids.count == 1_500 && ids == ids.sorted())
            #expect(try await backend.statistics().count == 1_500)
            let last = try #require(try await backend.image(id: ids[1_499], includeVector: true))
            #expect(last.vector == images[1_499].vector)
        }
    }

    @Test("a stored name is refused with nameTaken, also when repeated within one insert")
    func namesAreUnique() async throws {
        try await TestCollection.use(on: try TestServers.lite()) { backend, _ in
            let images = TestImages.make(count: 2, dimension: 16, seed: 6)
            _ = try await backend.insert([images[0]])
            var again = images[1]
            again.name = images[0].name
            await expectCode(.nameTaken) { try await backend.insert([again]) }
            await expectCode(.nameTaken) { try await backend.insert([images[1], images[1]]) }
            #expect(try await backend.statistics().count == 1)
        }
    }

    @Test("vectors of the wrong dimension, NaNs and bad top_k are invalid arguments")
    func invalidArguments() async throws {
        try await TestCollection.use(on: try TestServers.lite()) { backend, _ in
            var image = TestImages.make(count: 1, dimension: 16, seed: 7)[0]
            image.vector = Array(repeating: 0.5, count: 15)
            await expectCode(.invalidArgument) { try await backend.insert([image]) }
            image.vector = Array(repeating: .nan, count: 16)
            await expectCode(.invalidArgument) { try await backend.insert([image]) }
            await expectCode(.invalidArgument) { try await backend.search(Array(repeating: 0, count: 17), topK: 1, maxDistance: nil) }
            await expectCode(.invalidArgument) { try await backend.search(Array(repeating: 0, count: 16), topK: 0, maxDistance: nil) }
        }
    }

    @Test("statistics name the backend, count and the index with its defaults filled in")
    func statistics() async throws {
        try await TestCollection.use(on: try TestServers.lite(), index: IndexSpec(kind: .flat, metric: .cosine)) { backend, _ in
            _ = try await backend.insert(TestImages.make(count: 3, dimension: 16, seed: 8))
            let statistics = try await backend.statistics()
            #expect(statistics.backend == "milvus")
            #expect(statistics.count == 3)
            #expect(statistics.index == IndexSpec(kind: .flat, metric: .cosine))
            #expect(statistics.memoryBytes == 3 * 16 * 4)
        }
    }
}
