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
            "oversized.png": TestImages.png(TestImages.pattern(width: 800, height: 800)),
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
        let good = scratch.appendingPathComponent("good.png")
        try Fixtures.photo("coffee").write(to: good)
        #expect(try Command.isctl(["add", good.path], socket: daemon.socket).status == 0)
    }

    /// A single image above the transport's message limit is refused with RESOURCE_EXHAUSTED.
    @Test func messagesOverTheLimitAreRefused() throws {
        let scratch = try TestModels.temporaryDirectory("limit")
        let daemon = try DaemonProcess(directory: scratch, arguments: ["--max-image-bytes", "100000"])
        defer { daemon.stop() }
        let big = scratch.appendingPathComponent("big.png")
        try TestImages.png(TestImages.pattern(width: 1500, height: 1500)).write(to: big)
        let search = try Command.isctl(["search", big.path], socket: daemon.socket)
        #expect(search.status == 1)
        #expect(search.standardError.lowercased().contains("exceed") || search.standardError.contains("too large") || search.standardError.contains("image_too_large"), "\(search.standardError)")
        #expect(try Command.isctl(["health"], socket: daemon.socket).status == 0)
    }
}
