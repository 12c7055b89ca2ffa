import MilvusBackend
import SearchBackend
import Testing

@Suite("Private Milvus Lite servers: going away and coming back, Unix sockets")
struct RestartTests {
    @Test("while the server is down requests fail with unavailable; after it restarts they succeed and nothing acknowledged is lost")
    func killAndRestart() async throws {
        let server = try LiteServer(binary: try TestServers.liteBinary())
        defer { server.remove() }
        try await server.start()
        let collection = TestCollection(on: try MilvusAddress(server.address), requestTimeout: .seconds(5))
        let backend = try await collection.open()
        let images = TestImages.make(count: 30, dimension: 16, seed: 40)
        let ids = try await backend.insert(Array(images[0..<20]))
        #expect(try await backend.remove(ids: [ids[0]]) == [ids[0]])

        server.kill()
        let killed = ContinuousClock.now
        await expectCode(.unavailable) { try await backend.search(images[1].vector, topK: 1, maxDistance: nil) }
        await expectCode(.unavailable) { try await backend.image(id: ids[1], includeVector: false) }
        await expectCode(.unavailable) { try await backend.insert([images[20]]) }
        await expectCode(.unavailable) { try await backend.statistics() }
        #expect(ContinuousClock.now - killed < .seconds(10), "failing took \(ContinuousClock.now - killed)")

        try await server.start()
        let count = try await Self.eventually(within: .seconds(20)) { try await backend.statistics().count }
        #expect(count == 19)
        for (image, id) in zip(images[1..<20], ids[1...]) {
            #expect(try await backend.image(name: image.name, includeVector: true)?.vector == image.vector)
            #expect(try await backend.search(image.vector, topK: 1, maxDistance: nil).first?.id == id)
        }
        #expect(try await backend.image(id: ids[0], includeVector: false) == nil)
        let later = try await backend.insert(Array(images[20...]))
        #expect(later.min()! > ids.max()!)
        #expect(try await backend.statistics().count == 29)
        try await backend.close()
        try await collection.drop()
    }

    @Test("a server on a Unix domain socket (unix:PATH) works like one on TCP")
    func unixSocket() async throws {
        let server = try LiteServer(binary: try TestServers.liteBinary(), onUnixSocket: true)
        defer { server.remove() }
        try await server.start()
        try await TestCollection.use(on: try MilvusAddress(server.address)) { backend, _ in
            let images = TestImages.make(count: 3, dimension: 16, seed: 41)
            let ids = try await backend.insert(images)
            #expect(try await backend.search(images[2].vector, topK: 1, maxDistance: nil).first?.id == ids[2])
        }
    }

    /// The value of `body` once it stops failing with `unavailable`.
    private static func eventually<Result>(within limit: Duration, _ body: () async throws -> Result) async throws -> Result {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await body()
            } catch let error as BackendError where error.code == .unavailable && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
