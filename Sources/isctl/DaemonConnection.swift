import GRPCCore
import GRPCNIOTransportHTTP2Posix
import ImageSearchProtos

/// A gRPC client on the daemon's Unix socket for the length of one command. Failures come out as
/// `CLIError`s: an unreachable socket says why and what to do, a refused request carries the daemon's
/// message and its stable reason.
struct DaemonConnection: Sendable {
    typealias ImageSearchClient = Imagesearch_V1_ImageSearch.Client<HTTP2ClientTransport.Posix>
    typealias HealthClient = Grpc_Health_V1_Health.Client<HTTP2ClientTransport.Posix>

    /// The trailing metadata key in which the daemon puts an error's stable reason.
    private static let reasonKey = "imagesearch-reason"

    let socketPath: String

    init(_ options: ConnectionOptions) {
        socketPath = options.socketPath
    }

    func withImageSearch<Result: Sendable>(_ body: (ImageSearchClient) async throws -> Result) async throws -> Result {
        try await withClient { try await body(ImageSearchClient(wrapping: $0)) }
    }

    func withHealth<Result: Sendable>(_ body: (HealthClient) async throws -> Result) async throws -> Result {
        try await withClient { try await body(HealthClient(wrapping: $0)) }
    }

    /// Whether the daemon dropped the call for a message over its size limit. Its transport does that
    /// before the daemon sees the message, so the error carries no reason: RESOURCE_EXHAUSTED, or, as
    /// grpc-swift's server does it, a reset stream (UNAVAILABLE) while the daemon still answers.
    func isRefusedAsTooLarge(_ error: RPCError) -> Bool {
        guard Self.reason(of: error) == nil else { return false }
        return error.code == .resourceExhausted || (error.code == .unavailable && SocketDiagnosis(path: socketPath) == nil)
    }

    /// The daemon's reason for `error`; nil when the error did not come from the daemon but from the
    /// transport.
    private static func reason(of error: RPCError) -> String? {
        Array(error.metadata[stringValues: reasonKey]).first
    }

    private func withClient<Result: Sendable>(_ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result) async throws -> Result {
        do {
            let transport = try HTTP2ClientTransport.Posix(target: .unixDomainSocket(path: socketPath), transportSecurity: .plaintext)
            return try await withGRPCClient(transport: transport) { try await body($0) }
        } catch let error as RPCError {
            throw cliError(for: error)
        }
    }

    private func cliError(for error: RPCError) -> CLIError {
        let reason = Self.reason(of: error)
        if reason == nil, error.code == .unavailable, let diagnosis = SocketDiagnosis(path: socketPath) {
            return CLIError(
                .daemonUnreachable,
                "cannot reach imagesearchd at \(socketPath) (\(diagnosis.summary)): \(diagnosis.advice(socket: socketPath))")
        }
        if isRefusedAsTooLarge(error) {
            return CLIError(
                .requestFailed,
                "the daemon refused the request, as it does one too large for it (imagesearchd --max-image-bytes): \(error.message) (image_too_large)")
        }
        let code: CLIError.Code = error.code == .notFound ? .notFound : .requestFailed
        return CLIError(code, "\(error.message) (\(reason ?? String(describing: error.code)))")
    }
}
