import Foundation

/// A fresh directory per test, removed when the test lets go of it.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("embedded-backend-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func collectionFile(_ name: String, collection: String = TestCollection.name) -> URL {
        url.appendingPathComponent("collections").appendingPathComponent(collection).appendingPathComponent(name)
    }
}
