import Foundation
import Imaging
import Testing
import TestSupport

/// Bad files through `isctl add` and `isctl search`: each gets its specific reason, nothing is stored,
/// the daemon keeps serving.
@Suite(.serialized) struct BadInputEndToEndTests {
    @Test func badFilesGetSpecificErrorsAndNothingIsStored() throws {
        let scratch = try TestModels.temporaryDirectory("bad")
        let folder = scratch.appendingPathComponent("bad")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let photo = try Fixtures.photo("chelsea")
        let pattern = TestImages.pattern(width: 64, height: 64)
        let files: [String: Data] = [
            "corrupt.jpg": Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 131) }),
            "truncated.png": photo.prefix(photo.count / 3),
            "empty.jpg": Data(),
            "notes.jpg": Data("shopping list: milk, eggs\n".utf8),
            "oversized.png": TestImages.png(TestImages.noise(width: 300, height: 300)),
            "huge.png": MalformedImages.png(claimingWidth: 60000, height: 60000, from: TestImages.png(pattern)),
        ]
        for (name, data) in files { try data.write(to: folder.appendingPathComponent(name)) }
        let daemon = try DaemonProcess(directory: scratch, arguments: ["--max-image-bytes", "200000"])
        defer { daemon.stop() }

        let paths = files.keys.sorted().map { folder.appendingPathComponent($0).path }
        let add = try Command.isctl(["add", "--json"] + paths, socket: daemon.socket)
        #expect(add.status == 1, "partial failure exit code")
        let reasons = Dictionary(uniqueKeysWithValues: try add.jsonLines().map {
            (URL(fileURLWithPath: $0["path"] as! String).lastPathComponent, ($0["error"] as? [String: Any])?["reason"] as? String)
        })
        #expect(reasons["corrupt.jpg"] == "corrupt_image")
        #expect(["truncated_image", "corrupt_image"].contains(reasons["truncated.png"] ?? ""))
        #expect(reasons["empty.jpg"] == "empty_image")
        #expect(reasons["notes.jpg"] == "unsupported_format")
        #expect(reasons["oversized.png"] == "image_too_large")
        #expect(reasons["huge.png"] == "image_too_large")

        for path in paths {
            let search = try Command.isctl(["search", path], socket: daemon.socket)
            #expect(search.status == 1, "searching with \(path)")
            #expect(!search.standardError.isEmpty)
        }
        let stats = try Command.isctl(["stats", "--json"], socket: daemon.socket).json()
        #expect(stats["count"] as? Int == 0)
        #expect(try Command.isctl(["health"], socket: daemon.socket).status == 0)
        let good = scratch.appendingPathComponent("good.jpg")
        try Fixtures.photo("rocket").write(to: good)
        #expect(try Command.isctl(["add", good.path], socket: daemon.socket).status == 0)
    }

    /// Images over the limit are refused: with the reason image_too_large up to twice the limit, by the
    /// transport beyond (which isctl reports the same way); the daemon serves on.
    @Test(arguments: [150, 600])
    func imagesOverTheLimitAreRefused(side: Int) throws {
        let scratch = try TestModels.temporaryDirectory("limit")
        let daemon = try DaemonProcess(directory: scratch, arguments: ["--max-image-bytes", "40000"])
        defer { daemon.stop() }
        let big = scratch.appendingPathComponent("big.png")
        try TestImages.png(TestImages.noise(width: side, height: side)).write(to: big)
        for command in [["search", big.path], ["embed", big.path]] {
            let result = try Command.isctl(command, socket: daemon.socket)
            #expect(result.status == 1)
            #expect(result.standardError.contains("image_too_large"), "\(result.standardError)")
        }
        let add = try Command.isctl(["add", "--json", big.path], socket: daemon.socket)
        #expect((try add.jsonLines().first?["error"] as? [String: Any])?["reason"] as? String == "image_too_large")
        #expect(try Command.isctl(["health"], socket: daemon.socket).status == 0)
    }
}
