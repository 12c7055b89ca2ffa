import Foundation
import Testing
import TestSupport

/// The product as a user meets it: the real daemon on a real socket, `isctl` adding a folder of real
/// photos and transformed copies, and searching with each original.
@Suite(.serialized) struct SearchEndToEndTests {
    @Test func addAndSearchAPhotoLibrary() throws {
        let scratch = try TestModels.temporaryDirectory("e2e")
        let library = try PhotoLibrary(in: scratch.appendingPathComponent("library"))
        let daemon = try DaemonProcess(directory: scratch)
        defer { daemon.stop() }

        let add = try Command.isctl(["add", library.directory.path, "--recursive", "--json"], socket: daemon.socket)
        #expect(add.status == 0, "\(add.standardError)")
        let acknowledged = try add.jsonLines()
        #expect(acknowledged.count == library.imageCount)
        #expect(acknowledged.allSatisfy { $0["status"] as? String == "added" })

        for stem in Fixtures.goldenStems {
            let search = try Command.isctl(["search", library.original(stem).path, "-k", "6", "--json"], socket: daemon.socket)
            #expect(search.status == 0, "\(search.standardError)")
            let results = try #require(try search.json()["results"] as? [[String: Any]])
            let names = results.compactMap { $0["name"] as? String }
            #expect(names.first == library.original(stem).path, "query \(stem): \(names)")
            #expect((results.first?["distance"] as? Double ?? 1) < 1e-3)
            let expectedCopies = Set(library.copies[stem]!.map(\.path))
            #expect(expectedCopies.isSubset(of: Set(names)), "query \(stem): copies missing from the top 6: \(expectedCopies.subtracting(names))")
            // Verification (on by default): the original and each copy show the query's scene.
            let inliers = Dictionary(uniqueKeysWithValues: results.map { ($0["name"] as? String ?? "", $0["inliers"] as? Int ?? 0) })
            let unverified = ([library.original(stem).path] + expectedCopies).filter { inliers[$0, default: 0] < 12 }
            #expect(unverified.isEmpty, "query \(stem): not verified: \(unverified), inliers \(inliers)")
        }

        let plain = try Command.isctl(["search", library.original("coffee").path, "--no-verify", "--json"], socket: daemon.socket)
        let plainResults = try #require(try plain.json()["results"] as? [[String: Any]])
        #expect(!plainResults.isEmpty && plainResults.allSatisfy { $0["inliers"] == nil })
        let table = try Command.isctl(["search", library.original("coffee").path, "-k", "2"], socket: daemon.socket)
        #expect(table.standardOutput.hasPrefix("rank  distance  inliers"), "\(table.standardOutput)")

        let dupes = try Command.isctl(["dupes", "--json"], socket: daemon.socket)
        #expect(dupes.status == 0, "\(dupes.standardError)")
        let groups = try #require(try dupes.json()["groups"] as? [[[String: Any]]])
        let found = Set(groups.map { Set($0.compactMap { $0["name"] as? String }) })
        let expected = Set(Fixtures.goldenStems.map { Set([library.original($0).path] + library.copies[$0]!.map(\.path)) })
        #expect(found == expected, "isctl dupes: \(found)")

        let again = try Command.isctl(["add", library.directory.path, "--recursive", "--json"], socket: daemon.socket)
        #expect(try again.jsonLines().allSatisfy { $0["status"] as? String == "unchanged" })
        let stats = try Command.isctl(["stats", "--json"], socket: daemon.socket).json()
        #expect(stats["count"] as? Int == library.imageCount)
    }

    /// `isctl search --same-scene` keeps only what verification confirms; `isctl configure` turns
    /// verification off for one collection, the others keeping the daemon's default, and the setting
    /// survives a restart.
    @Test func sameSceneCutOffAndPerCollectionVerification() throws {
        let scratch = try TestModels.temporaryDirectory("e2e")
        let photos = scratch.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for stem in Fixtures.goldenStems { try Fixtures.photo(stem).write(to: photos.appendingPathComponent("\(stem).png")) }
        let copy = scratch.appendingPathComponent("coffee-edited.jpg")
        try TestImages.jpeg(try TestImages.photo("coffee").rotated(degrees: 12).centerCropped(keeping: 0.75), quality: 40).write(to: copy)
        var daemon = try DaemonProcess(directory: scratch)

        let configured = try Command.isctl(["configure", "--collection", "quick", "--no-verify", "--json"], socket: daemon.socket)
        #expect(configured.status == 0, "\(configured.standardError)")
        #expect(configured.standardOutput == "{\"collection\":\"quick\",\"verify\":false}\n")
        for collection in ["quick", "default"] {
            #expect(try Command.isctl(["add", photos.path, "--collection", collection], socket: daemon.socket).status == 0)
        }

        let sameScene = try Command.isctl(["search", copy.path, "--same-scene", "--json"], socket: daemon.socket)
        let kept = try #require(try sameScene.json()["results"] as? [[String: Any]])
        #expect(kept.compactMap { $0["name"] as? String } == [photos.appendingPathComponent("coffee.png").path], "\(kept)")
        #expect(kept.allSatisfy { $0["inliers"] as? Int ?? 0 >= 12 })
        let quick = try Command.isctl(["search", copy.path, "--collection", "quick", "--json"], socket: daemon.socket)
        let unverified = try #require(try quick.json()["results"] as? [[String: Any]])
        #expect(unverified.count == Fixtures.goldenStems.count && unverified.allSatisfy { $0["inliers"] == nil })
        let refused = try Command.isctl(["search", copy.path, "--collection", "quick", "--same-scene"], socket: daemon.socket)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("min_inliers needs a verified search"), "\(refused.standardError)")
        #expect(try Command.isctl(["search", copy.path, "--same-scene", "--no-verify"], socket: daemon.socket).status == 2)

        #expect(daemon.stop() == 0, "SIGTERM must exit 0:\n\(daemon.log)")
        daemon = try DaemonProcess(directory: scratch, dataDirectory: daemon.dataDirectory)
        defer { daemon.stop() }
        #expect(try Command.isctl(["stats", "--collection", "quick", "--json"], socket: daemon.socket).json()["verify"] as? Bool == false)
        #expect(try Command.isctl(["stats", "--json"], socket: daemon.socket).json()["verify"] as? Bool == true)
        let shown = try Command.isctl(["configure", "--collection", "quick"], socket: daemon.socket)
        #expect(shown.standardOutput.contains("verify") && shown.standardOutput.contains("off"), "\(shown.standardOutput)")
    }

    /// Settings out of range stop the daemon at start with a message naming the setting and its range.
    @Test(arguments: [["--verify-candidates", "0"], ["--verify-candidates", "1001"], ["--verify", "maybe"], ["--embedding", "classic"]])
    func badSearchSettingsAreRefused(arguments: [String]) throws {
        let scratch = try TestModels.temporaryDirectory("e2e")
        let result = try Command.run(BuiltProducts.imagesearchd, ["--socket", scratch.appendingPathComponent("s.sock").path] + arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains("\(arguments[0].dropFirst(2)) must be"), "\(result.standardError)")
        #expect(result.standardError.contains("'\(arguments[1])'"), "\(result.standardError)")
    }

    @Test func getRemoveEmbedAndHealth() throws {
        let scratch = try TestModels.temporaryDirectory("e2e")
        let daemon = try DaemonProcess(directory: scratch)
        defer { daemon.stop() }
        let photo = scratch.appendingPathComponent("coffee.png")
        try Fixtures.photo("coffee").write(to: photo)
        #expect(try Command.isctl(["add", photo.path], socket: daemon.socket).status == 0)

        let get = try Command.isctl(["get", photo.path, "--json"], socket: daemon.socket)
        #expect(get.status == 0)
        #expect(try get.json()["name"] as? String == photo.path)

        let embed = try Command.isctl(["embed", photo.path, "--json"], socket: daemon.socket).json()
        #expect(embed["dim"] as? Int == 1280)
        #expect((embed["vector"] as? [Double])?.count == 1280)
        #expect(embed["model"] as? String == "efficientnet-lite0")

        let fromStdin = try Command.isctl(["search", "-", "--json", "-k", "1"], socket: daemon.socket, standardInput: try Fixtures.photo("coffee"))
        #expect((try fromStdin.json()["results"] as? [[String: Any]])?.first?["name"] as? String == photo.path)

        #expect(try Command.isctl(["rm", photo.path], socket: daemon.socket).status == 0)
        #expect(try Command.isctl(["get", photo.path], socket: daemon.socket).status == 1)
        #expect(try Command.isctl(["health"], socket: daemon.socket).status == 0)

        var info = stat()
        #expect(lstat(daemon.socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
    }

    @Test func unreachableDaemonIsExitCodeThree() throws {
        let result = try Command.isctl(["stats"], socket: "/nonexistent/imagesearchd.sock")
        #expect(result.status == 3)
        #expect(result.standardError.contains("/nonexistent/imagesearchd.sock"))
    }

    @Test func aSecondDaemonOnTheSameSocketIsRefused() throws {
        let scratch = try TestModels.temporaryDirectory("e2e")
        let daemon = try DaemonProcess(directory: scratch)
        defer { daemon.stop() }
        let second = try Command.run(BuiltProducts.imagesearchd, ["--socket", daemon.socket, "--data-dir", scratch.appendingPathComponent("other").path])
        #expect(second.status != 0)
        #expect(second.standardError.contains("already serving"))
        #expect(try Command.isctl(["health"], socket: daemon.socket).status == 0)
    }
}
