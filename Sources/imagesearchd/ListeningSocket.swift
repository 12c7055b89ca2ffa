import Foundation

/// Where the daemon listens: a socket systemd passed in (socket activation), or a path it binds.
enum ListeningSocket {
    /// The first descriptor systemd passes (`LISTEN_FDS`).
    case inherited(descriptor: Int32)
    case path(String)

    /// The socket systemd handed over, if this process was socket-activated: `LISTEN_PID` must be this
    /// process and `LISTEN_FDS` at least 1; the descriptor is then 3 (`SD_LISTEN_FDS_START`).
    static func inherited(environment: [String: String]) -> ListeningSocket? {
        guard environment["LISTEN_PID"].flatMap(Int32.init) == getpid(),
              let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1
        else { return nil }
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        return .inherited(descriptor: 3)
    }

    /// Makes `path` ready to bind: its directory exists, no live daemon answers on it, and a stale
    /// socket file from a crashed daemon is removed (binding would fail on it; removing a live one
    /// would silently steal its clients).
    static func preparePath(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        guard FileManager.default.fileExists(atPath: path) else { return }
        if isAnswering(path) {
            throw DaemonError(.socketInUse, "another imagesearchd is already serving on \(path); stop it first or pass another --socket")
        }
        guard unlink(path) == 0 else {
            throw DaemonError(.socketUnusable, "\(path) exists and cannot be removed: \(String(cString: strerror(errno)))")
        }
    }

    /// Whether something accepts connections on the Unix socket at `path`.
    private static func isAnswering(_ path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0
    }
}
