import Foundation
import Testing
import TestSupport

/// Any gRPC client works: Python grpcio at unix://PATH; and the daemon under systemd's socket activation
/// and notification protocol.
@Suite(.serialized) struct InteroperabilityTests {
    /// The Python interpreter of the test virtualenv (grpcio, grpcio-tools), set up by scripts/test.
    private func python() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["IMAGESEARCH_TEST_PYTHON"] else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "IMAGESEARCH_TEST_PYTHON is not set; run the tests with scripts/test"])
        }
        return python
    }

    @Test func pythonGrpcioClient() throws {
        let scratch = try TestModels.temporaryDirectory("python")
        let daemon = try DaemonProcess(directory: scratch)
        defer { daemon.stop() }
        let image = scratch.appendingPathComponent("rocket.jpg")
        try Fixtures.photo("rocket").write(to: image)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/grpcio_client.py")
        let protos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Protos")
        let result = try Command.run(URL(fileURLWithPath: try python()), [script.path, daemon.socket, protos.path, image.path])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try result.json()
        #expect(report["health"] as? String == "SERVING")
        #expect(report["add"] as? [String] == ["ADDED"])
        #expect(report["add_again"] as? [String] == ["UNCHANGED"])
        let first = try #require((report["search"] as? [[String: Any]])?.first)
        #expect(first["name"] as? String == "from-python")
        #expect((first["metadata"] as? [String: String])?["lang"] == "python")
        #expect(report["metric"] as? String == "L2")
        #expect(report["count"] as? Int == 1)
        let missing = try #require(report["missing"] as? [String: Any])
        #expect(missing["code"] as? String == "NOT_FOUND")
        #expect(missing["reason"] as? String == "not_found")
    }

    @Test func socketActivation() throws {
        let scratch = try TestModels.temporaryDirectory("activation")
        let socket = scratch.appendingPathComponent("imagesearchd.sock").path
        let daemon = try DaemonProcess(directory: scratch, launcher: ["/usr/bin/systemd-socket-activate", "--listen", socket])
        defer { daemon.stop() }
        #expect(daemon.log.contains("serving"))
        let photo = scratch.appendingPathComponent("astronaut.png")
        try Fixtures.photo("astronaut").write(to: photo)
        #expect(try Command.isctl(["add", photo.path], socket: socket).status == 0)
        let search = try Command.isctl(["search", photo.path, "--json", "-k", "1"], socket: socket)
        #expect((try search.json()["results"] as? [[String: Any]])?.first?["name"] as? String == photo.path)
    }

    @Test func readinessWatchdogAndStoppingAreReportedToSystemd() throws {
        let scratch = try TestModels.temporaryDirectory("notify")
        let listener = try DatagramListener(path: scratch.appendingPathComponent("notify.sock").path)
        let daemon = try DaemonProcess(directory: scratch, environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"])
        var messages = listener.receive(until: { all in all.contains { $0.contains("WATCHDOG=1") } && all.contains { $0.contains("READY=1") } }, timeout: 10)
        #expect(messages.contains { $0.contains("READY=1") && $0.contains("STATUS=") })
        #expect(messages.contains { $0.contains("WATCHDOG=1") })
        #expect(daemon.stop() == 0)
        messages = listener.receive(until: { $0.contains { $0.contains("STOPPING=1") } }, timeout: 5)
        #expect(messages.contains { $0.contains("STOPPING=1") })
    }
}
