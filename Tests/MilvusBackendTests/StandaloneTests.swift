import MilvusBackend
import SearchBackend
import Testing

@Suite("HNSW and consistency (Milvus standalone)")
struct StandaloneTests {
    @Test("HNSW finds at least 90% of the exact 10 nearest, before and after a flush and reopen", arguments: [Metric.l2, .cosine])
    func hnswRecall(metric: Metric) async throws {
        let index = IndexSpec(kind: .hnsw, metric: metric, parameters: ["M": 16, "efConstruction": 100, "ef": 32])
        let model = TestCollection.model(dimension: 32)
        let collection = TestCollection(on: try TestServers.standalone())
        let backend = try await collection.open(model: model, index: index)
        let images = TestImages.make(count: 3_000, dimension: 32, seed: 30)
        let ids = try await backend.insert(images)
        let items = Dictionary(uniqueKeysWithValues: zip(ids, images.map(\.vector)))
        let recall = try await SearchExpectations.recallAt10(backend, items: items, metric: metric, dimension: 32, seed: 31)
        #expect(recall >= 0.9, "recall@10 = \(recall)")
        try await backend.close()  // flushes: the data moves into sealed segments, which get the HNSW index

        let reopened = try await collection.open(model: model, index: index)
        let recallAfterFlush = try await SearchExpectations.recallAt10(reopened, items: items, metric: metric, dimension: 32, seed: 31)
        #expect(recallAfterFlush >= 0.9, "recall@10 after flush = \(recallAfterFlush)")
        #expect(try await reopened.statistics() == BackendStatistics(backend: "milvus", count: 3_000, index: index, memoryBytes: 3_000 * 32 * 4))
        try await reopened.close()
        try await collection.drop()
    }

    @Test("HNSW defaults are filled in and reported")
    func hnswDefaults() async throws {
        try await TestCollection.use(on: try TestServers.standalone(), index: IndexSpec(kind: .hnsw, metric: .innerProduct)) { backend, _ in
            let statistics = try await backend.statistics()
            #expect(statistics.index == IndexSpec(kind: .hnsw, metric: .innerProduct, parameters: ["M": 16, "efConstruction": 200, "ef": 64]))
        }
    }

    @Test("every write is visible to the very next read: lookups, search and count")
    func readYourWrites() async throws {
        try await TestCollection.use(on: try TestServers.standalone()) { backend, _ in
            let images = TestImages.make(count: 15, dimension: 16, seed: 32)
            var stored: [Int64] = []
            for image in images {
                let id = try #require(try await backend.insert([image]).first)
                stored.append(id)
                #expect(try await backend.image(name: image.name, includeVector: false)?.id == id)
                #expect(try await backend.image(contentSHA256: image.contentSHA256)?.id == id)
                #expect(try await backend.search(image.vector, topK: 1, maxDistance: nil).first?.id == id)
            }
            for (image, id) in zip(images, stored).prefix(5) {
                #expect(try await backend.remove(ids: [id]) == [id])
                #expect(try await backend.image(id: id, includeVector: false) == nil)
                #expect(try await backend.search(image.vector, topK: 1, maxDistance: nil).first?.id != id)
            }
            #expect(try await backend.statistics().count == 10)
        }
    }

    @Test("names with line breaks match exactly on Milvus")
    func lineBreakNames() async throws {
        try await TestCollection.use(on: try TestServers.standalone()) { backend, _ in
            try await checkRoundTrip(of: AwkwardNames.portable + AwkwardNames.lineBreaks, in: backend)
        }
    }

    /// Milvus standalone's gRPC server (Go) sends a PING with nearly every request; without `HTTP2PingResponder`
    /// swift-nio-http2 closed the connection after 200 of them, failing a call every few seconds.
    @Test("hundreds of requests in a row on one connection all succeed")
    func sustainedRequestsKeepTheConnection() async throws {
        try await TestCollection.use(on: try TestServers.standalone()) { backend, _ in
            let images = TestImages.make(count: 20, dimension: 16, seed: 14)
            _ = try await backend.insert(images)
            for round in 0..<400 {
                let hits = try await backend.search(images[round % images.count].vector, topK: 3, maxDistance: nil)
                #expect(hits.first?.name == images[round % images.count].name)
            }
        }
    }
}
