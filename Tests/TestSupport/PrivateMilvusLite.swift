import Foundation

/// A Milvus Lite server of one test's own (from the binary `scripts/milvus` installs), which the test
/// may kill and start again on the same port and data while a daemon uses it.
public final class PrivateMilvusLite: @unchecked Sendable {
    public let address: String
    private let binary: String
    private let database: String
    private var process: ChildProcess?

    public init(binary: String, directory: URL) throws {
        self.binary = binary
        database = directory.appendingPathComponent("milvus.db").path
        address = "127.0.0.1:\(try Self.unusedPort())"
    }

    public func start() throws {
        process = try ChildProcess(
            binary, [database, address, "ERROR"],
            environment: ["LD_LIBRARY_PATH": URL(fileURLWithPath: binary).deletingLastPathComponent().path])
    }

    /// SIGKILL, as a crash would.
    public func kill() {
        process?.send(SIGKILL)
        process?.wait()
        process = nil
    }

    /// A daemon on this server, retried while Milvus Lite is still starting (it accepts connections a
    /// moment before it serves them, and the daemon refuses to start without it).
    public func startDaemon(directory: URL) throws -> DaemonProcess {
        let deadline = Date().addingTimeInterval(20)
        while true {
            do {
                return try DaemonProcess(directory: directory, arguments: ["--milvus", address])
            } catch let failure as DaemonStartFailure where Date() < deadline && failure.log.contains("backend_unavailable") {
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
    }

    deinit { kill() }

    private static func unusedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
