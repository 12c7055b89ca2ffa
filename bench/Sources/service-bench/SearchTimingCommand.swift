import ArgumentParser
import Foundation
import SearchBackend

/// Times `search(topK:)` of the embedded backend on a populated collection, one query at a time as
/// the daemon answers them, with the daemon's search threads: the exact-search side of the race
/// against FAISS. Reports the rows found (N of `synthetic-N`, -1 for a real photo) so that the
/// results can be compared.
struct SearchTimingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Median milliseconds of exact search over a populated collection, and the rows found.")

    @OptionGroup var collection: CollectionOptions

    @Option(help: "Threads one search may use (imagesearchd --threads).")
    var threads = 2

    @Option(help: ArgumentHelp("The queries: float32, Q × dimension.", valueName: "file"))
    var queries: String

    @Option(name: .customLong("top-k"), help: "Results per query.")
    var topK = 10

    @Option(help: "Untimed searches first (the first queries), so that the vectors are in memory and the threads started.")
    var warmUp = 3

    func run() async throws {
        let identity = try collection.modelIdentity()
        let openStart = ContinuousClock.now
        let backend = try await collection.open(identity, searchThreads: threads)
        let openSeconds = (ContinuousClock.now - openStart).seconds
        let count = try await backend.statistics().count
        guard count > 0 else {
            throw BenchError("collection '\(collection.collection)' in \(collection.location) is empty; run populate first.")
        }
        let queryVectors = try Self.readVectors(queries, dimension: identity.dimension)
        for query in queryVectors.prefix(warmUp) {
            _ = try await backend.search(query, topK: topK, maxDistance: nil)
        }
        var milliseconds: [Double] = []
        var rows: [[Int]] = []
        var distances: [[Float]] = []
        for query in queryVectors {
            let start = ContinuousClock.now
            let hits = try await backend.search(query, topK: topK, maxDistance: nil)
            milliseconds.append((ContinuousClock.now - start).milliseconds)
            rows.append(hits.map { SyntheticImage.row(named: $0.name) ?? -1 })
            distances.append(hits.map(\.distance))
        }
        try await backend.close()
        try Console.printJSON([
            "threads": threads, "count": count, "open_s": openSeconds,
            "median_ms": milliseconds.sorted()[milliseconds.count / 2], "ms": milliseconds,
            "rows": rows, "distances": distances.map { $0.map(Double.init) },
        ])
    }

    private static func readVectors(_ path: String, dimension: Int) throws -> [[Float]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard !data.isEmpty, data.count % (dimension * MemoryLayout<Float>.size) == 0 else {
            throw BenchError("\(path) holds \(data.count) bytes, not a whole number of \(dimension)-float vectors")
        }
        let floats = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return stride(from: 0, to: floats.count, by: dimension).map { Array(floats[$0..<$0 + dimension]) }
    }
}
