import Foundation

/// Why the daemon's socket cannot be connected to, found by trying it the way the transport does, so
/// the message can say what to do about it rather than repeat a transport error.
enum SocketDiagnosis {
    case noSuchSocket
    case notASocket
    case permissionDenied
    case connectionRefused
    case pathTooLong
    case other(String)

    /// The socket at `path` as it is now; nil when it accepts connections (the failure lies elsewhere).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            self = errno == ENOENT || errno == ENOTDIR ? .noSuchSocket : Self(errno: errno)
            return
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            self = .notASocket
            return
        }
        guard let failure = Self.connectionFailure(path) else { return nil }
        self = failure
    }

    private init(errno code: Int32) {
        switch code {
        case EACCES, EPERM: self = .permissionDenied
        case ECONNREFUSED: self = .connectionRefused
        default: self = .other(String(cString: strerror(code)))
        }
    }

    /// What is wrong, in a few words.
    var summary: String {
        switch self {
        case .noSuchSocket: "no such socket"
        case .notASocket: "not a socket"
        case .permissionDenied: "permission denied"
        case .connectionRefused: "connection refused: no daemon is listening on it"
        case .pathTooLong: "the path is too long for a Unix socket"
        case .other(let message): message
        }
    }

    /// What to do about it.
    func advice(socket path: String) -> String {
        let elsewhere = "pass --socket or set \(ConnectionOptions.socketVariable)"
        switch self {
        case .permissionDenied:
            return "your user may not use this socket: run as a member of its group (see 'ls -l \(path)'), or \(elsewhere)."
        case .notASocket, .pathTooLong:
            return "\(elsewhere) to the daemon's socket."
        case .noSuchSocket, .connectionRefused, .other:
            return "is the daemon running? Start it with 'imagesearchd --socket \(path)' or 'systemctl start imagesearchd', or \(elsewhere)."
        }
    }

    /// Connects to the socket at `path` once; nil when that works.
    private static func connectionFailure(_ path: String) -> SocketDiagnosis? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return .pathTooLong }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return SocketDiagnosis(errno: errno) }
        defer { close(descriptor) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0 ? nil : SocketDiagnosis(errno: errno)
    }
}
