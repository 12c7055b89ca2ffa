import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import MilvusProtos
import NIOCore
import SearchBackend

/// One gRPC client to the Milvus server, for one collection's backend: every call goes through
/// `call`, which adds the headers Milvus reads, bounds the call in time and turns failures into
/// `BackendError`s.
///
/// The client is never replaced: when Milvus goes away, calls fail at once with `unavailable`
/// (they do not wait for the connection), and the transport keeps reconnecting in the background with
/// a short backoff, so calls succeed again within about two seconds of the server coming back.
final class MilvusConnection: Sendable {
    typealias Service = Milvus_Proto_Milvus_MilvusService.Client<HTTP2ClientTransport.Posix>

    /// Backoff between connection attempts: the transport's default grows to two minutes, which
    /// would keep a restarted Milvus unused for that long.
    private static let reconnectBackoff = HTTP2ClientTransport.Config.Backoff(
        initial: .milliseconds(200), max: .seconds(2), multiplier: 1.6, jitter: 0.2)
    /// Largest message either way. This transport version checks responses against the request
    /// limit (4 MiB by default), and query results with vectors can be larger.
    private static let maxMessageBytes = 256 * 1024 * 1024
    private static let closeGracePeriod = Duration.seconds(2)

    let address: MilvusAddress
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let service: Service
    private let metadata: Metadata
    private let options: CallOptions
    private let connections: Task<Void, Never>

    init(_ configuration: MilvusConfiguration) throws {
        address = configuration.address
        let transportConfig = HTTP2ClientTransport.Posix.Config.defaults { config in
            config.backoff = Self.reconnectBackoff
            // Finds a connection whose peer vanished without closing it (a crashed host, a cut network).
            config.connection.keepalive = .init(time: .seconds(30), timeout: .seconds(10), allowWithoutCalls: false)
            // Runs on the connection's event loop, once gRPC has set up its pipeline.
            config.channelDebuggingCallbacks.onCreateTCPConnection = { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HTTP2PingResponder(), position: .first)
                }
            }
        }
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: configuration.address.target(), transportSecurity: .plaintext, config: transportConfig)
        } catch {
            throw BackendError(.invalidArgument, "cannot connect to Milvus at \(configuration.address): \(error)")
        }
        client = GRPCClient(transport: transport)
        service = Service(wrapping: client)
        metadata = Self.headers(token: configuration.token, database: configuration.database)
        options = Self.callOptions(timeout: configuration.requestTimeout)
        connections = Task { [client] in
            // Throws only if the transport cannot run at all; every call then fails with that cause.
            try? await client.runConnections()
        }
    }

    /// Calls Milvus; a reply whose status is not accepted (by default: not success) is an error.
    func call<Reply: MilvusReply>(
        _ action: String,
        accepting isAccepted: (Milvus_Proto_Common_Status) -> Bool = { $0.succeeded },
        _ rpc: (Service, Metadata, CallOptions) async throws -> Reply
    ) async throws -> Reply {
        let reply: Reply
        do {
            reply = try await rpc(service, metadata, options)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw backendError(error, action: action)
        }
        guard isAccepted(reply.replyStatus) else {
            throw reply.replyStatus.backendError(action, address: address)
        }
        return reply
    }

    /// Stops the client once the calls in flight have finished, waiting at most `closeGracePeriod`: a
    /// connection attempt to a server that accepted the TCP connection but never answers is not ended
    /// by a graceful shutdown, so after that the client is stopped outright.
    func close() async {
        client.beginGracefulShutdown()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [connections] in await connections.value }
            group.addTask { try? await Task.sleep(for: Self.closeGracePeriod) }
            await group.next()
            connections.cancel()
            group.cancelAll()
        }
    }

    private func backendError(_ failure: any Error, action: String) -> BackendError {
        guard let error = failure as? RPCError else {
            // The client itself failed: it is closed, or its transport could not start.
            return BackendError(.unavailable, "the connection to Milvus at \(address) failed (\(action)): \(failure)")
        }
        return switch error.code {
        case .unavailable, .cancelled:
            BackendError(.unavailable, "Milvus at \(address) is not reachable (\(action): \(error.message)); check that Milvus is running there — requests succeed again once it is back")
        case .deadlineExceeded:
            BackendError(.unavailable, "Milvus at \(address) did not answer in time (\(action)); it is not reachable or overloaded")
        case .unimplemented:
            BackendError(.storageFailure, "Milvus at \(address) does not implement the call to \(action) (\(error.message)); imagesearchd needs Milvus 2.3 or later")
        case .unauthenticated, .permissionDenied:
            BackendError(.storageFailure, "Milvus at \(address) refused the credentials to \(action): \(error.message); check the Milvus token")
        default:
            BackendError(.storageFailure, "Milvus at \(address) failed to \(action): \(error.code): \(error.message)")
        }
    }

    private static func headers(token: String?, database: String?) -> Metadata {
        var metadata = Metadata()
        if let token {
            metadata.addString(Data(token.utf8).base64EncodedString(), forKey: "authorization")
        }
        if let database {
            metadata.addString(database, forKey: "dbname")
        }
        return metadata
    }

    private static func callOptions(timeout: Duration) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout
        options.waitForReady = false
        options.maxRequestMessageBytes = maxMessageBytes
        options.maxResponseMessageBytes = maxMessageBytes
        return options
    }
}
