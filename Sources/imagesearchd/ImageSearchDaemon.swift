import ArgumentParser
import EmbeddedBackend
import Encoder
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import ImageSearchCore
import ImageSearchService
import Imaging
import Logging
import MilvusBackend
import SearchBackend
import ServiceLifecycle

/// `imagesearchd`: holds the image encoder and the collections' indexes in memory and answers gRPC
/// requests on a Unix socket until SIGTERM or SIGINT.
@main
struct ImageSearchDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagesearchd",
        abstract: "Image similarity search service: gRPC over a Unix domain socket.",
        discussion: """
            Every option can also be set in the environment, as IMAGESEARCHD_ followed by the option's \
            name in capitals with dashes as underscores (IMAGESEARCHD_DATA_DIR=/srv/images), or in the \
            configuration file as 'name = value' lines (data-dir = /srv/images). Flags win over the \
            environment, which wins over the file.

            Under systemd, the daemon reports readiness (Type=notify), pings the watchdog when \
            WatchdogSec is set, and adopts the listening socket of a .socket unit (socket activation). \
            SIGTERM or SIGINT: stop accepting connections, finish requests in flight, write index \
            snapshots, exit 0.
            """,
        version: ImageSearchVersion.current)

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try DaemonSettings(options: options, environment: environment)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        let logger = Logger(label: "imagesearchd")
        let socket = ListeningSocket.inherited(environment: environment) ?? .path(settings.socket)
        if case .path(let path) = socket { try ListeningSocket.preparePath(path) }

        let engine = try await makeEngine(settings, logger: logger)
        let health = HealthService()
        let notifier = SystemdNotifier(environment: environment)
        let server = GRPCServer(
            transport: makeTransport(socket, maxImageBytes: settings.maxImageBytes),
            services: [ImageSearchService(engine: engine), health])
        var services: [any Service] = [
            GRPCServerService(server: server, health: health, socket: socket, socketMode: settings.socketMode, notifier: notifier, logger: logger)
        ]
        if let watchdog = WatchdogService(notifier: notifier, environment: environment) { services.append(watchdog) }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        try await engine.close()
        if case .path(let path) = socket { unlink(path) }
        logger.info("stopped")
    }

    private func makeEngine(_ settings: DaemonSettings, logger: Logger) async throws -> ImageSearchEngine {
        let modelDirectory = try ModelLocator.locate(settings.model)
        let package = try ModelPackage(directory: modelDirectory)
        let provider: any BackendProvider = settings.milvus.map { MilvusBackendProvider(configuration: $0) }
            ?? EmbeddedBackendProvider(dataDirectory: URL(fileURLWithPath: settings.dataDirectory), searchThreads: settings.threads)
        let configuration = EngineConfiguration(
            maxImageBytes: settings.maxImageBytes, index: settings.index, matchRotations: settings.matchRotations,
            verifyMatches: settings.verify, verificationCandidates: settings.verifyCandidates)
        let recipe = try await embeddingRecipe(settings.embedding, for: configuration.defaultCollection, in: provider, of: package.manifest)
        let encoder = try ImageEncoder(
            package: package, threads: settings.threads, limits: DecodingLimits(maxPixels: settings.maxImagePixels), recipe: recipe)
        logger.info("model loaded", metadata: [
            "model": "\(encoder.manifest.name)", "directory": "\(modelDirectory.path)", "threads": "\(settings.threads)",
            "embedding": "\(ImageSearchEngine.identity(of: encoder).preprocessing)",
        ])
        let engine = ImageSearchEngine(encoder: encoder, provider: provider, configuration: configuration, logger: logger)
        try await engine.open()
        let storage = settings.milvus.map { "milvus \($0.address)" } ?? settings.dataDirectory
        logger.info("collection opened", metadata: ["storage": "\(storage)", "index": "\(settings.index)"])
        return engine
    }

    /// The `chosen` recipe; else the one `collection` was made with, when it is one this daemon
    /// offers, so that upgrading keeps a data directory of an earlier version (the reference recipe's
    /// vectors) working without a flag; else, for a new collection or one of another model (refused
    /// when opened), the retrieval recipe.
    private func embeddingRecipe(
        _ chosen: EmbeddingRecipe?, for collection: String, in provider: any BackendProvider, of manifest: ModelManifest
    ) async throws -> EmbeddingRecipe {
        if let chosen { return chosen }
        guard let recorded = try await provider.recordedModel(of: collection) else { return .retrieval }
        let made = EmbeddingRecipe.named.first {
            ImageSearchEngine.identity(of: manifest, dimension: manifest.embeddingDimension, recipe: $0.value) == recorded
        }
        return made?.value ?? .retrieval
    }

    /// HTTP/2 on the Unix socket. The transport's own message limit is twice the image limit: an image
    /// over `maxImageBytes` still arrives and is refused by the engine with RESOURCE_EXHAUSTED and the
    /// reason `image_too_large`, while a message over the transport limit is dropped by grpc-swift with a
    /// stream reset (no status), which bounds what a client can make the daemon buffer.
    private func makeTransport(_ socket: ListeningSocket, maxImageBytes: Int) -> HTTP2ServerTransport.Posix {
        let config = HTTP2ServerTransport.Posix.Config.defaults { config in
            config.rpc.maxRequestPayloadSize = 2 * maxImageBytes + (1 << 20)
        }
        switch socket {
        case .inherited(let descriptor):
            return HTTP2ServerTransport.Posix(listeningSocketDescriptor: Int(descriptor), transportSecurity: .plaintext, config: config)
        case .path(let path):
            return HTTP2ServerTransport.Posix(address: .unixDomainSocket(path: path), transportSecurity: .plaintext, config: config)
        }
    }
}
