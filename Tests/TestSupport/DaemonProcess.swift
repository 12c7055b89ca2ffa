import Foundation

/// A real `imagesearchd` process on a temporary socket and data directory, for end-to-end tests.
public final class DaemonProcess: @unchecked Sendable {
    public let socket: String
    public let dataDirectory: URL
    public let logFile: URL
    private let process: ChildProcess

    /// Starts the daemon (through `launcher`, e.g. `systemd-socket-activate --listen …`, when given) and
    /// waits until it answers on its socket, or fails with its log.
    public init(
        directory: URL, arguments: [String] = [], environment: [String: String] = [:], dataDirectory: URL? = nil,
        launcher: [String] = []
    ) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socket = directory.appendingPathComponent("imagesearchd.sock").path
        self.dataDirectory = dataDirectory ?? directory.appendingPathComponent("data")
        logFile = directory.appendingPathComponent("daemon-\(UUID().uuidString.prefix(8)).log")
        let daemonArguments = ["--socket", socket, "--data-dir", self.dataDirectory.path, "--threads", "2"] + arguments
        let command = launcher + [BuiltProducts.imagesearchd.path] + daemonArguments
        process = try ChildProcess(
            command[0], Array(command.dropFirst()), environment: environment,
            standardOutput: logFile.path, standardError: logFile.path)
        try waitUntilServing()
    }

    public var processIdentifier: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    private func waitUntilServing() throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else {
                throw DaemonStartFailure(status: process.wait(), log: log)
            }
            if let result = try? Command.isctl(["health"], socket: socket), result.status == 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.send(SIGKILL)
        throw DaemonStartFailure(status: process.wait(), log: "did not become healthy within 60 s\n" + log)
    }

    /// SIGTERM, then waits; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        process.send(SIGTERM)
        return process.wait()
    }

    /// SIGKILL: the daemon gets no chance to flush anything.
    public func killHard() {
        process.send(SIGKILL)
        process.wait()
    }

    deinit {
        process.send(SIGKILL)
        process.wait()
    }
}

/// The daemon exited (or hung) before serving; carries its log for the test report.
public struct DaemonStartFailure: Error, CustomStringConvertible {
    public let status: Int32
    public let log: String
    public var description: String { "imagesearchd did not start (status \(status)):\n\(log)" }
}
