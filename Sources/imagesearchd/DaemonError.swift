/// Why the daemon cannot start. Printed as the last line before a non-zero exit, so it says what to do.
struct DaemonError: Error, CustomStringConvertible {
    struct Code: RawRepresentable, Hashable, CustomStringConvertible {
        let rawValue: String
        var description: String { rawValue }

        static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        static let socketInUse = Code(rawValue: "socket_in_use")
        static let socketUnusable = Code(rawValue: "socket_unusable")
    }

    let code: Code
    let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "\(message) [\(code)]" }
}
