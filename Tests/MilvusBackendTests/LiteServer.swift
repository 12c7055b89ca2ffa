import Foundation
import Glibc
import MilvusBackend
import SearchBackend

/// A Milvus Lite server of one test's own, which the test may kill and start again on the same
/// address and data (the shared server must stay up for the other tests).
final class LiteServer {
    /// `127.0.0.1:PORT`, or `unix:PATH` for a server on a Unix domain socket.
    let address: String
    private let port: Int?
    private let socketPath: String
    private let binary: URL
    private let directory: URL
    private var process: Process?

    init(binary: URL, onUnixSocket: Bool = false) throws {
        self.binary = binary
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("milvus-lite-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socketPath = directory.appendingPathComponent("milvus.sock").path
        port = onUnixSocket ? nil : try LoopbackPort.unused()
        address = port.map { "127.0.0.1:\($0)" } ?? "unix:\(socketPath)"
    }

    /// How long a start may take. Alone it takes well under a second, but while the whole suite runs
    /// on two cores a fresh clone's test run saw Milvus Lite refuse collections ("Mmap manager has not
    /// been init") for over 20 seconds.
    private static let startLimit: Duration = .seconds(90)

    /// Starts the server on `address` with the data in `directory` and waits until it serves requests.
    func start() async throws {
        let process = Process()
        process.executableURL = binary
        process.arguments = [directory.appendingPathComponent("milvus.db").path, address, "ERROR"]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["LD_LIBRARY_PATH": binary.deletingLastPathComponent().path], uniquingKeysWith: { _, new in new })
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + Self.startLimit
        while !isListening {
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw LoopbackPort.SocketError(description: "Milvus Lite (\(binary.path)) did not start listening on \(address)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await waitUntilServing(deadline: deadline)
    }

    /// Waits until the server can create a collection: Milvus Lite accepts connections a moment before
    /// it has finished starting, and refuses to create collections until then.
    private func waitUntilServing(deadline: ContinuousClock.Instant) async throws {
        let provider = MilvusBackendProvider(configuration: MilvusConfiguration(
            address: try MilvusAddress(address), collectionPrefix: "imagesearch_probe_"))
        while true {
            do {
                try await provider.open(collection: "ready", model: TestCollection.model(), index: IndexSpec()).close()
                try await provider.dropCollection("ready")
                return
            } catch is BackendError where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Ends the server the hard way, as a crash or `kill -9` would.
    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Kills the server and deletes its data.
    func remove() {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    private var isListening: Bool {
        guard let port else { return FileManager.default.fileExists(atPath: socketPath) }
        return LoopbackPort.isListening(port)
    }
}
