import ArgumentParser
import ImageSearchProtos

/// `isctl health`: the standard gRPC health check, for scripts that wait for the daemon.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Print whether the daemon is serving (grpc.health.v1 Check).",
        discussion: "Exits with 0 only when it is SERVING: once the model and the index are loaded.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        var request = Grpc_Health_V1_HealthCheckRequest()
        request.service = ""
        let status = try await DaemonConnection(connection).withHealth { [request] in try await $0.check(request) }.status
        print(Self.name(of: status))
        guard status == .serving else { throw CLIError(.notServing) }
    }

    /// The status as the protocol spells it.
    private static func name(of status: Grpc_Health_V1_HealthCheckResponse.ServingStatus) -> String {
        switch status {
        case .serving: "SERVING"
        case .notServing: "NOT_SERVING"
        case .serviceUnknown: "SERVICE_UNKNOWN"
        case .unknown: "UNKNOWN"
        case .UNRECOGNIZED(let value): "UNRECOGNIZED(\(value))"
        }
    }
}
