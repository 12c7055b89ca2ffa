/// Why `isctl` stops with a non-zero exit status. The code decides the exit status, in one place, so
/// scripts can tell "the daemon is not there" (3) from "something you asked for failed" (1) and
/// "the command line is wrong" (2).
struct CLIError: Error, CustomStringConvertible {
    struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        var description: String { rawValue }

        /// The daemon's socket cannot be connected to.
        static let daemonUnreachable = Code(rawValue: "daemon_unreachable")
        /// An image, id or name that was asked for is not stored.
        static let notFound = Code(rawValue: "not_found")
        /// Some files of an `add` failed; the others were stored.
        static let partialFailure = Code(rawValue: "partial_failure")
        /// The daemon refused or failed a request.
        static let requestFailed = Code(rawValue: "request_failed")
        /// The daemon answers but is not serving (still loading, or shutting down).
        static let notServing = Code(rawValue: "not_serving")
        /// A local file cannot be read; also the reason `add` reports for such a file.
        static let unreadableFile = Code(rawValue: "unreadable_file")
        /// A local input (a vector file) is not what it should be.
        static let invalidInput = Code(rawValue: "invalid_input")
        /// The command line is wrong.
        static let usage = Code(rawValue: "usage")

        var exitStatus: Int32 {
            switch self {
            case .daemonUnreachable: 3
            case .usage: 2
            default: 1
            }
        }
    }

    let code: Code
    /// What went wrong, for a person; empty when the command has already said it on its output.
    let message: String

    init(_ code: Code, _ message: String = "") {
        self.code = code
        self.message = message
    }

    var description: String { message.isEmpty ? code.rawValue : message }
}
