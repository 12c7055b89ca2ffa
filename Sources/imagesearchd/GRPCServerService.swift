import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import ImageSearchService
import Logging
import ServiceLifecycle

/// The gRPC server as a ServiceLifecycle service: serves until a graceful shutdown, then stops
/// accepting connections, lets the RPCs in flight finish, and returns.
struct GRPCServerService: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let health: HealthService
    let socket: ListeningSocket
    let socketMode: mode_t
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                group.addTask { try await announceReadiness() }
            }
        } onGracefulShutdown: {
            logger.info("shutting down: no new connections, finishing requests in flight")
            notifier.notify("STOPPING=1")
            health.set(.notServing)
            health.finishWatches()
            server.beginGracefulShutdown()
        }
    }

    /// Once the socket listens: set its permissions, report SERVING, tell systemd READY=1.
    private func announceReadiness() async throws {
        let address = try await server.transport.listeningAddress
        if case .path(let path) = socket {
            guard chmod(path, socketMode) == 0 else {
                throw DaemonError(.socketUnusable, "cannot set the permissions of \(path) to \(String(socketMode, radix: 8)): \(String(cString: strerror(errno)))")
            }
        }
        health.set(.serving)
        notifier.notify("READY=1\nSTATUS=serving on \(address)")
        logger.info("serving", metadata: ["address": "\(address)"])
    }
}
