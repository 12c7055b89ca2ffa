import Foundation
import Imaging
import Testing
import TestSupport

/// Acknowledged writes survive `kill -9`; restarts re-encode nothing.
@Suite(.serialized) struct DurabilityTests {
    /// `count` distinct JPEGs: crops of the golden photos at shifting offsets.
    private func writeVariants(_ count: Int, to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let photos = try Fixtures.goldenStems.map(TestImages.photo)
        return try (0..<count).map { index in
            let photo = photos[index % photos.count]
            let step = index / photos.count
            let side = min(photo.width, photo.height) * 3 / 4
            let image = photo.cropped(x: step % (photo.width - side), y: (step * 3) % (photo.height - side), width: side, height: side)
            let url = directory.appendingPathComponent(String(format: "variant-%04d.jpg", index))
            try TestImages.jpeg(image, quality: 80).write(to: url)
            return url
        }
    }

    @Test func killedMidAddLosesNothingAcknowledged() throws {
        let scratch = try TestModels.temporaryDirectory("durability")
        let files = try writeVariants(240, to: scratch.appendingPathComponent("images"))
        var daemon = try DaemonProcess(directory: scratch)
        let add = try RunningCommand(BuiltProducts.isctl, ["add", "--socket", daemon.socket, "--json", "--batch", "4", files[0].deletingLastPathComponent().path])
        var acknowledged: [String: Int] = [:]
        while acknowledged.count < 60, let line = add.nextLine() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["status"] as? String == "added", let path = object["path"] as? String, let id = object["id"] as? Int {
                acknowledged[path] = id
            }
        }
        daemon.killHard()
        _ = add.wait()
        #expect(acknowledged.count == 60)

        daemon = try DaemonProcess(directory: scratch, dataDirectory: daemon.dataDirectory)
        defer { daemon.stop() }
        for (path, id) in acknowledged {
            let get = try Command.isctl(["get", path, "--json"], socket: daemon.socket)
            #expect(get.status == 0, "acknowledged \(path) is missing after kill -9")
            #expect(try get.json()["id"] as? Int == id)
        }
        let stats = try Command.isctl(["stats", "--json"], socket: daemon.socket).json()
        let stored = try #require(stats["count"] as? Int)
        #expect(stored >= acknowledged.count)

        // Every stored image is findable by its own vector, and adding everything again stores each file once.
        let readd = try Command.isctl(["add", "--json", files[0].deletingLastPathComponent().path], socket: daemon.socket)
        let outcomes = try readd.jsonLines()
        #expect(outcomes.count == files.count)
        for outcome in outcomes where acknowledged[outcome["path"] as? String ?? ""] != nil {
            #expect(outcome["status"] as? String == "unchanged")
        }
        let final = try Command.isctl(["stats", "--json"], socket: daemon.socket).json()
        #expect(final["count"] as? Int == files.count)
        let search = try Command.isctl(["search", "--name", files[7].path, "-k", "300", "--json"], socket: daemon.socket)
        let results = try #require(try search.json()["results"] as? [[String: Any]])
        #expect(results.count == files.count)
        #expect(Set(results.compactMap { $0["id"] as? Int }).count == files.count)
    }

    @Test func restartLoadsTheIndexWithoutReencoding() throws {
        let scratch = try TestModels.temporaryDirectory("restart")
        let files = try writeVariants(30, to: scratch.appendingPathComponent("images"))
        var daemon = try DaemonProcess(directory: scratch)
        #expect(try Command.isctl(["add", files[0].deletingLastPathComponent().path], socket: daemon.socket).status == 0)
        let before = try Command.isctl(["search", files[3].path, "-k", "5", "--json"], socket: daemon.socket).standardOutput
        let encodedBefore = try Command.isctl(["stats", "--json"], socket: daemon.socket).json()["images_encoded"] as? Int
        #expect(encodedBefore == 30 + 1)
        #expect(daemon.stop() == 0, "SIGTERM must exit 0:\n\(daemon.log)")

        daemon = try DaemonProcess(directory: scratch, dataDirectory: daemon.dataDirectory)
        defer { daemon.stop() }
        let stats = try Command.isctl(["stats", "--json"], socket: daemon.socket).json()
        #expect(stats["count"] as? Int == 30)
        #expect(stats["images_encoded"] as? Int == 0)
        let searchByName = try Command.isctl(["search", "--name", files[3].path, "-k", "5", "--json"], socket: daemon.socket)
        #expect(try Command.isctl(["stats", "--json"], socket: daemon.socket).json()["images_encoded"] as? Int == 0)
        let ranked = { (output: String) throws -> [Int] in
            ((try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])?["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        }
        #expect(try ranked(searchByName.standardOutput) == ranked(before))
    }

    /// Runs a daemon with `second` on a data directory first written by a daemon with `first` (which
    /// has stopped), expecting it to refuse to start: its status and output, and the data directory.
    private func daemon(_ second: [String], onDataOf first: [String], in scratch: URL) throws -> (CommandResult, URL) {
        let earlier = try DaemonProcess(directory: scratch, arguments: first)
        earlier.stop()
        let result = try Command.run(
            BuiltProducts.imagesearchd,
            ["--socket", scratch.appendingPathComponent("s2.sock").path, "--data-dir", earlier.dataDirectory.path] + second)
        return (result, earlier.dataDirectory)
    }

    @Test func aDataDirectoryOfAnotherModelIsRefused() throws {
        let scratch = try TestModels.temporaryDirectory("mismatch")
        let (second, _) = try daemon([], onDataOf: ["--model", try TestModels.mobileNetV2().path], in: scratch)
        #expect(second.status != 0)
        #expect(second.standardError.contains("mobilenet-v2"), "\(second.standardError)")
        #expect(second.standardError.contains("model_mismatch"), "\(second.standardError)")
    }

    /// The embedding recipe is part of a collection's identity: a data directory made with an older
    /// recipe (the reference one, as by versions before recipes; the first retrieval one) is refused
    /// by an explicit `--embedding retrieval`, with the flag to use, and a daemon told no recipe keeps
    /// the older one, so that upgrading needs no flag. A new data directory gets the retrieval recipe.
    @Test(arguments: [("reference", "center-crop 0.875, bicubic, 224, (x-127.0)*0.0078125"), ("retrieval-v1", "whole-image, bicubic, 224, (x-127.0)*0.0078125, gem 3.0 pooling, length 1, low-pass 0.01")])
    func aDaemonToldNoRecipeKeepsTheRecipeOfItsData(older: String, olderPreprocessing: String) throws {
        let scratch = try TestModels.temporaryDirectory("recipe")
        let (refused, dataDirectory) = try daemon(["--embedding", "retrieval"], onDataOf: ["--embedding", older], in: scratch)
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("model_mismatch"), "\(refused.standardError)")
        #expect(refused.standardError.contains("--embedding"), "\(refused.standardError)")

        let upgraded = try DaemonProcess(directory: scratch, dataDirectory: dataDirectory)
        defer { upgraded.stop() }
        #expect(try preprocessing(upgraded) == olderPreprocessing)
        let fresh = try DaemonProcess(directory: scratch.appendingPathComponent("fresh"))
        defer { fresh.stop() }
        #expect(try preprocessing(fresh) == "whole-image, bicubic, 224, (x-127.0)*0.0078125, gem 3.0 pooling, length 1, low-pass 0.01, turned photos straightened")
    }

    private func preprocessing(_ daemon: DaemonProcess) throws -> String {
        try #require(try Command.isctl(["stats", "--json"], socket: daemon.socket).json()["preprocessing"] as? String)
    }
}
