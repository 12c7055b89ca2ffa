import Foundation
import Imaging
import TestSupport

/// A folder of real photos and transformed copies, written as files the way a user's library is.
struct PhotoLibrary {
    let directory: URL
    /// Original stem → paths of its copies.
    let copies: [String: [URL]]

    /// The original design's small rotations, a mirror image and a crop.
    static let transforms: [(String, @Sendable (RGBImage) -> RGBImage)] = [
        ("rot+10", { $0.rotated(degrees: 10) }),
        ("rot-10", { $0.rotated(degrees: -10) }),
        ("rot+20", { $0.rotated(degrees: 20) }),
        ("flip", { $0.flippedHorizontally() }),
        ("crop80", { $0.centerCropped(keeping: 0.8) }),
    ]

    init(in directory: URL) throws {
        self.directory = directory
        let originals = directory.appendingPathComponent("originals"), transformed = directory.appendingPathComponent("copies/nested")
        try FileManager.default.createDirectory(at: originals, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: transformed, withIntermediateDirectories: true)
        var copies: [String: [URL]] = [:]
        for stem in Fixtures.goldenStems {
            try Fixtures.photo(stem).write(to: originals.appendingPathComponent(Self.originalName(stem)))
            let photo = try TestImages.photo(stem)
            for (label, transform) in Self.transforms {
                let url = transformed.appendingPathComponent("\(stem)-\(label).jpg")
                try TestImages.jpeg(transform(photo), quality: 88).write(to: url)
                copies[stem, default: []].append(url)
            }
        }
        self.copies = copies
    }

    static func originalName(_ stem: String) -> String {
        stem == "rocket" ? "rocket.jpg" : "\(stem).png"
    }

    func original(_ stem: String) -> URL {
        directory.appendingPathComponent("originals").appendingPathComponent(Self.originalName(stem))
    }

    var imageCount: Int { Fixtures.goldenStems.count * (1 + Self.transforms.count) }
}
