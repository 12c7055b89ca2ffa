import GRPCCore
import ImageSearchProtos
import Synchronization

/// `grpc.health.v1.Health`, so probes and gRPC tooling can ask whether the daemon serves. Only the
/// overall service ("") and "imagesearch.v1.ImageSearch" are known; both share one status, set by
/// the daemon (SERVING once model and index are loaded, NOT_SERVING while shutting down).
public final class HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol, Sendable {
    public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    private static let knownServices: Set<String> = ["", "imagesearch.v1.ImageSearch"]
    private let state = Mutex<(status: Status, watchers: [Int: AsyncStream<Status>.Continuation], nextWatcher: Int)>((.notServing, [:], 0))

    public init() {}

    public func set(_ status: Status) {
        let watchers = state.withLock { state in
            state.status = status
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.yield(status) }
    }

    public func check(request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard Self.knownServices.contains(request.service) else {
            throw RPCError(code: .notFound, message: "unknown service '\(request.service)'")
        }
        return .with { $0.status = state.withLock { $0.status } }
    }

    /// Sends the status now and again whenever it changes, until the client goes away.
    public func watch(
        request: Grpc_Health_V1_HealthCheckRequest, response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>, context: ServerContext
    ) async throws {
        guard Self.knownServices.contains(request.service) else {
            try await response.write(.with { $0.status = .serviceUnknown })
            return
        }
        let (updates, continuation) = AsyncStream<Status>.makeStream()
        let id = state.withLock { state in
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = continuation
            continuation.yield(state.status)
            return id
        }
        defer { _ = state.withLock { $0.watchers.removeValue(forKey: id) } }
        try await withTaskCancellationHandler {
            for await status in updates {
                try await response.write(.with { $0.status = status })
            }
        } onCancel: {
            continuation.finish()
        }
    }

    /// Ends every watch stream (on shutdown, so the server can finish).
    public func finishWatches() {
        let watchers = state.withLock { state in
            defer { state.watchers.removeAll() }
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.finish() }
    }
}
