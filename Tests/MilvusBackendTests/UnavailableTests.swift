import Foundation
import MilvusBackend
import SearchBackend
import Testing

@Suite("Milvus out of reach")
struct UnavailableTests {
    @Test("a closed port fails at once with unavailable, naming the address")
    func closedPort() async throws {
        let port = try LoopbackPort.unused()
        let address = try MilvusAddress("127.0.0.1:\(port)")
        let collection = TestCollection(on: address)
        let started = ContinuousClock.now
        do {
            _ = try await collection.open()
            Issue.record("opening against a closed port succeeded")
        } catch let error as BackendError {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("127.0.0.1:\(port)") && error.message.contains("not reachable"), "\(error.message)")
        }
        // A bound that only a hang exceeds (the test shares the machine with the rest of the suite).
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("a server that accepts connections but never answers fails with unavailable within the request timeout")
    func silentServer() async throws {
        let listener = try SilentListener()
        let collection = TestCollection(on: try MilvusAddress("127.0.0.1:\(listener.port)"), requestTimeout: .seconds(2))
        let started = ContinuousClock.now
        await expectCode(.unavailable) { try await collection.open() }
        #expect(ContinuousClock.now - started < .seconds(60))
        listener.close()
    }
}
