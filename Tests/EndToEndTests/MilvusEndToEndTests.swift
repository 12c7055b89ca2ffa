import Foundation
import Testing
import TestSupport

/// The same service on a real Milvus server: the same answers as the embedded index, and a Milvus that
/// goes away and comes back.
@Suite(.serialized) struct MilvusEndToEndTests {
    private func environment(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "\(name) is not set; run the tests with scripts/test (it starts the Milvus servers)"])
        }
        return value
    }

    private func searchResults(_ query: String, on daemon: DaemonProcess) throws -> [[String: Any]] {
        // Unverified: the backends are compared on their nearest neighbours (Milvus keeps no local features).
        let search = try Command.isctl(["search", query, "-k", "6", "--no-verify", "--json"], socket: daemon.socket)
        #expect(search.status == 0, "\(search.standardError)")
        return try search.json()["results"] as? [[String: Any]] ?? []
    }

    /// The end-to-end scenario on Milvus FLAT and on the embedded exact index: the same ranking (names
    /// and order) with distances equal to 1e-3 relative, before and after a restart and a removal.
    @Test func milvusGivesTheSameAnswersAsTheEmbeddedIndex() throws {
        let scratch = try TestModels.temporaryDirectory("milvus-e2e")
        let library = try PhotoLibrary(in: scratch.appendingPathComponent("library"))
        let collection = "imagesearch_e2e_\(UUID().uuidString.prefix(8))"
        let milvusArguments = ["--milvus", try environment("IMAGESEARCH_TEST_MILVUS"), "--milvus-collection", collection]
        var milvus = try DaemonProcess(directory: scratch.appendingPathComponent("m"), arguments: milvusArguments)
        let embedded = try DaemonProcess(directory: scratch.appendingPathComponent("e"))
        defer { embedded.stop() }
        for daemon in [milvus, embedded] {
            #expect(try Command.isctl(["add", "--recursive", library.directory.path], socket: daemon.socket).status == 0)
        }
        let removed = library.copies["coffee"]![3].path
        for daemon in [milvus, embedded] {
            #expect(try Command.isctl(["rm", removed], socket: daemon.socket).status == 0)
        }
        #expect(milvus.stop() == 0)
        milvus = try DaemonProcess(directory: scratch.appendingPathComponent("m2"), arguments: milvusArguments)
        defer { milvus.stop() }
        let milvusStats = try Command.isctl(["stats", "--json"], socket: milvus.socket).json()
        #expect(milvusStats["backend"] as? String == "milvus")
        #expect(milvusStats["count"] as? Int == library.imageCount - 1)

        for stem in Fixtures.goldenStems {
            let fromMilvus = try searchResults(library.original(stem).path, on: milvus)
            let fromEmbedded = try searchResults(library.original(stem).path, on: embedded)
            #expect(fromMilvus.compactMap { $0["name"] as? String } == fromEmbedded.compactMap { $0["name"] as? String }, "query \(stem)")
            for (a, b) in zip(fromMilvus, fromEmbedded) {
                let x = a["distance"] as? Double ?? -1, y = b["distance"] as? Double ?? -2
                #expect(abs(x - y) <= 1e-3 * max(abs(y), 1e-3), "query \(stem): \(x) vs \(y)")
            }
            #expect(!fromMilvus.contains { $0["name"] as? String == removed })
        }
        let verified = try Command.isctl(["search", library.original("coffee").path, "--json"], socket: milvus.socket)
        #expect((try verified.json()["results"] as? [[String: Any]] ?? []).allSatisfy { $0["inliers"] == nil })
        let dupes = try Command.isctl(["dupes"], socket: milvus.socket)
        #expect(dupes.status != 0 && dupes.standardError.contains("no local features"), "\(dupes.standardError)")
        let configure = try Command.isctl(["configure", "--no-verify"], socket: milvus.socket)
        #expect(configure.status == 1 && configure.standardError.contains("keep no settings"), "\(configure.standardError)")
        let sameScene = try Command.isctl(["search", library.original("coffee").path, "--same-scene", "--json"], socket: milvus.socket)
        #expect(sameScene.status == 0, "\(sameScene.standardError)")
        #expect((try sameScene.json()["results"] as? [[String: Any]])?.isEmpty == true, "\(sameScene.standardOutput)")
    }

    /// Milvus lost while serving: requests fail with a reason and the daemon stays up; Milvus back:
    /// requests succeed and nothing acknowledged is missing.
    @Test func aLostMilvusFailsRequestsUntilItReturns() throws {
        let scratch = try TestModels.temporaryDirectory("milvus-lost")
        let server = try PrivateMilvusLite(binary: try environment("IMAGESEARCH_TEST_MILVUS_LITE_BINARY"), directory: scratch)
        try server.start()
        let daemon = try server.startDaemon(directory: scratch)
        defer { daemon.stop() }
        let photo = scratch.appendingPathComponent("chelsea.png")
        try Fixtures.photo("chelsea").write(to: photo)
        #expect(try Command.isctl(["add", photo.path], socket: daemon.socket).status == 0)

        server.kill()
        let failed = try Command.isctl(["search", "--name", photo.path], socket: daemon.socket)
        #expect(failed.status == 1)
        #expect(failed.standardError.contains("backend_unavailable"), "\(failed.standardError)")
        #expect(try Command.isctl(["health"], socket: daemon.socket).status == 0)

        try server.start()
        var recovered: CommandResult?
        for _ in 0..<100 {
            recovered = try Command.isctl(["search", "--name", photo.path, "--json", "-k", "1"], socket: daemon.socket)
            if recovered?.status == 0 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(recovered?.status == 0, "\(recovered?.standardError ?? "")")
        #expect((try recovered?.json()["results"] as? [[String: Any]])?.first?["name"] as? String == photo.path)
    }

    @Test func anUnreachableMilvusStopsTheDaemonAtStart() throws {
        let scratch = try TestModels.temporaryDirectory("milvus-down")
        let result = try Command.run(
            BuiltProducts.imagesearchd,
            ["--socket", scratch.appendingPathComponent("s.sock").path, "--milvus", "127.0.0.1:1"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("127.0.0.1:1"), "\(result.standardError)")
        #expect(result.standardError.contains("backend_unavailable"), "\(result.standardError)")
    }
}
