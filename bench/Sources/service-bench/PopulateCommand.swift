import ArgumentParser
import Foundation
import SearchBackend

/// Fills a new collection with random unit vectors named `synthetic-N` (N the row, from 0), under
/// the identity the daemon gives the model, and closes it so that its index snapshot is on disk: the
/// daemon then starts on it as on a collection it built itself. Optionally writes the same vectors,
/// row after row, as float32 for FAISS and pymilvus. With --milvus, fills a Milvus collection through
/// the Milvus backend: the Swift side of bench/milvus's insert race.
struct PopulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "populate", abstract: "Fill a new collection with random unit vectors named synthetic-N.")

    @OptionGroup var collection: CollectionOptions

    @Option(help: "How many vectors.")
    var count: Int

    @Option(help: "Vectors per insert (one durable transaction each).")
    var batch = 256

    @Option(help: ArgumentHelp("Also write the vectors here: float32, count × dimension, row N is synthetic-N.", valueName: "file"))
    var writeVectors: String?

    func validate() throws {
        guard count >= 1, batch >= 1 else { throw ValidationError("--count and --batch must be at least 1.") }
    }

    func run() async throws {
        let identity = try collection.modelIdentity()
        // No background snapshot while filling: each would write the whole index again; close() writes one.
        let backend = try await collection.open(identity, searchThreads: 1, snapshotInterval: count + 1)
        let existing = try await backend.statistics().count
        guard existing == 0 else {
            throw BenchError("collection '\(collection.collection)' in \(collection.location) already holds \(existing) images; populate a new one.")
        }
        let vectorsFile = try writeVectors.map(Self.createFile)
        var vectors = RandomUnitVectors(dimension: identity.dimension)
        // Only the inserts are timed: making up the vectors and writing the file are not storing them.
        var inserting = Duration.zero
        for first in stride(from: 0, to: count, by: batch) {
            let images = (first..<min(first + batch, count)).map { row in
                NewImage(
                    name: SyntheticImage.name(row: row), contentSHA256: SyntheticImage.contentHash(row: row), metadata: [:],
                    vector: vectors.next())
            }
            let start = ContinuousClock.now
            _ = try await backend.insert(images)
            inserting += ContinuousClock.now - start
            try vectorsFile?.write(contentsOf: images.flatMap(\.vector).withUnsafeBytes { Data($0) })
            if (first / batch) % 40 == 39 { Console.note("inserted \(first + images.count) of \(count)") }
        }
        let closing = ContinuousClock.now
        try await backend.close()
        try vectorsFile?.close()
        let closeSeconds = (ContinuousClock.now - closing).seconds
        Console.note("inserted \(count) vectors in \(String(format: "%.1f", inserting.seconds)) s, closed in \(String(format: "%.1f", closeSeconds)) s")
        try Console.printJSON([
            "count": count, "dimension": identity.dimension, "model": "\(identity)",
            "insert_s": inserting.seconds, "close_s": closeSeconds,
        ])
    }

    private static func createFile(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw BenchError("cannot create \(path)")
        }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }
}
