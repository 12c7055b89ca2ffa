import ArgumentParser
import Foundation
import SearchBackend

/// The storage share of `isctl add`, measured alone: per message of `batch` images the engine looks
/// each image up by content hash (before encoding, and again in the collection writer) and by name,
/// then inserts the batch in one durable transaction. Done here on a new collection with random
/// vectors, it tells whether storage or the encoder bounds bulk adding.
struct StoreTimingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Milliseconds per image of the lookups and durable inserts of an add.")

    @OptionGroup var collection: CollectionOptions

    @Option(help: "How many images.")
    var count = 320

    @Option(help: "Images per message (isctl add --batch).")
    var batch = 16

    func validate() throws {
        guard count >= 1, batch >= 1 else { throw ValidationError("--count and --batch must be at least 1.") }
    }

    func run() async throws {
        let identity = try collection.modelIdentity()
        let backend = try await collection.open(identity, searchThreads: 1)
        guard try await backend.statistics().count == 0 else {
            throw BenchError("collection '\(collection.collection)' in \(collection.location) is not empty; time storing into a new one.")
        }
        var vectors = RandomUnitVectors(dimension: identity.dimension)
        let images = (0..<count).map { row in
            NewImage(
                name: SyntheticImage.name(row: row), contentSHA256: SyntheticImage.contentHash(row: row), metadata: [:],
                vector: vectors.next())
        }
        let start = ContinuousClock.now
        for first in stride(from: 0, to: count, by: batch) {
            let message = images[first..<min(first + batch, count)]
            for image in message {
                _ = try await backend.image(contentSHA256: image.contentSHA256)
                _ = try await backend.image(contentSHA256: image.contentSHA256)
                _ = try await backend.image(name: image.name, includeVector: false)
            }
            _ = try await backend.insert(Array(message))
        }
        let elapsed = ContinuousClock.now - start
        try await backend.close()
        try Console.printJSON([
            "count": count, "batch": batch, "seconds": elapsed.seconds, "ms_per_image": elapsed.milliseconds / Double(count),
        ])
    }
}
