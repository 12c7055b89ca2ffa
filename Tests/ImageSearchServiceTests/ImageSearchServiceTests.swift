import Encoder
import Foundation
import GRPCCore
import GRPCInProcessTransport
import ImageSearchCore
import ImageSearchProtos
import ImageSearchService
import Logging
import Testing
import TestSupport

/// The gRPC layer on an in-process transport: messages and errors as a client sees them, without
/// sockets or processes.
@Suite struct ImageSearchServiceTests {
    static let encoder = Result { try TestModels.encoder("efficientnet-lite0", threads: 2, recipe: .retrieval) }

    /// Runs `body` with a client connected to a fresh service.
    private func withService(
        maxImageBytes: Int = 64 << 20,
        _ body: @Sendable (Imagesearch_V1_ImageSearch.Client<InProcessTransport.Client>, Grpc_Health_V1_Health.Client<InProcessTransport.Client>) async throws -> Void
    ) async throws {
        let engine = ImageSearchEngine(
            encoder: try Self.encoder.get(), provider: InMemoryBackend(),
            configuration: EngineConfiguration(maxImageBytes: maxImageBytes), logger: Logger(label: "test"))
        let health = HealthService()
        health.set(.serving)
        let transport = InProcessTransport()
        try await withGRPCServer(transport: transport.server, services: [ImageSearchService(engine: engine), health]) { _ in
            try await withGRPCClient(transport: transport.client) { client in
                try await body(Imagesearch_V1_ImageSearch.Client(wrapping: client), Grpc_Health_V1_Health.Client(wrapping: client))
            }
        }
    }

    @Test func streamedAddsAnswerEveryImageInOrder() async throws {
        let photos = try Fixtures.goldenStems.map(Fixtures.photo)
        try await withService { client, _ in
            let results = try await client.addImages(requestProducer: { writer in
                try await writer.write(.with { $0.images = [.with { $0.data = photos[0]; $0.name = "a" }, .with { $0.data = Data("junk".utf8); $0.name = "junk" }] })
                try await writer.write(.with { $0.images = [.with { $0.data = photos[1]; $0.name = "b" }, .with { $0.data = photos[0]; $0.name = "a-again" }] })
            }) { response in
                try await response.messages.reduce(into: [Imagesearch_V1_AddResult]()) { $0 += $1.results }
            }
            #expect(results.map(\.index) == [0, 1, 2, 3])
            #expect(results.map(\.status) == [.added, .failed, .added, .unchanged])
            #expect(results[1].error.reason == "unsupported_format")
            #expect(results[3].id == results[0].id && results[3].name == "a")
        }
    }

    @Test func searchGetStatsAndEmbed() async throws {
        let photo = try Fixtures.photo("chelsea")
        try await withService { client, _ in
            _ = try await client.addImages(requestProducer: { writer in
                try await writer.write(.with { $0.images = [.with { $0.data = photo; $0.name = "cat"; $0.metadata = ["k": "v"] }] })
            }) { try await $0.messages.reduce(0) { $0 + $1.results.count } }
            let found = try await client.search(.with { $0.image = photo; $0.topK = 1 })
            #expect(found.results.first?.name == "cat")
            #expect(found.results.first?.metadata == ["k": "v"])
            #expect(found.metric == "L2")
            let byName = try await client.search(.with { $0.name = "cat" })
            #expect(byName.results.first?.distance == 0)
            let stored = try await client.get(.with { $0.name = "cat"; $0.includeVector = true })
            #expect(stored.image.vector.count == 1280)
            let embedded = try await client.embed(.with { $0.image = photo })
            #expect(embedded.vector == stored.image.vector)
            let stats = try await client.stats(.init())
            #expect(stats.count == 1 && stats.dimension == 1280 && stats.model == "efficientnet-lite0")
            #expect(stats.imagesEncoded == 3)
        }
    }

    @Test func errorsCarryStatusAndReason() async throws {
        try await withService(maxImageBytes: 1000) { client, _ in
            let cases: [(RPCError.Code, String, () async throws -> Void)] = [
                (.notFound, "not_found", { _ = try await client.get(.with { $0.name = "missing" }) }),
                (.invalidArgument, "corrupt_image", { _ = try await client.embed(.with { $0.image = Data([0xFF, 0xD8, 0xFF, 0x00, 0x01]) }) }),
                (.resourceExhausted, "image_too_large", { _ = try await client.embed(.with { $0.image = Data(count: 5000) }) }),
                (.invalidArgument, "invalid_argument", { _ = try await client.search(.with { $0.vector = .with { $0.values = [1, 2] } }) }),
                (.invalidArgument, "invalid_argument", { _ = try await client.search(.init()) }),
                (.invalidArgument, "invalid_argument", { _ = try await client.stats(.with { $0.collection = "no/slashes" }) }),
            ]
            for (code, reason, call) in cases {
                do {
                    try await call()
                    Issue.record("expected \(code)")
                } catch let error as RPCError {
                    #expect(error.code == code)
                    #expect(error.metadata[stringValues: "imagesearch-reason"].first(where: { _ in true }) == reason)
                    #expect(!error.message.isEmpty)
                }
            }
        }
    }

    @Test func healthReportsServing() async throws {
        try await withService { _, health in
            let status = try await health.check(.init()).status
            #expect(status == .serving)
            await #expect(throws: RPCError.self) { try await health.check(.with { $0.service = "other" }) }
        }
    }
}
