import ArgumentParser
import ImageSearchProtos

/// `isctl stats`: the collection's size, the model, the index and the daemon's figures.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print the collection's size, the model, the index and the daemon's figures.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print JSON, with every field of the daemon's answer under its snake_case name.")
    var json = false

    func run() async throws {
        var request = Imagesearch_V1_StatsRequest()
        request.collection = connection.collection
        let stats = try await DaemonConnection(connection).withImageSearch { [request] in try await $0.stats(request) }
        if json {
            print(Self.jsonObject(stats).text)
        } else {
            print(summary(stats))
        }
    }

    /// Every field of the daemon's answer, in its order, under its name in the protocol.
    private static func jsonObject(_ stats: Imagesearch_V1_StatsResponse) -> JSONValue {
        .object([
            ("count", .integer(stats.count)),
            ("model", .string(stats.model)),
            ("model_sha256", .string(stats.modelSha256)),
            ("dimension", .integer(UInt64(stats.dimension))),
            ("preprocessing", .string(stats.preprocessing)),
            ("backend", .string(stats.backend)),
            ("index_type", .string(stats.indexType)),
            ("metric", .string(stats.metric)),
            ("index_memory_bytes", .integer(stats.indexMemoryBytes)),
            ("resident_memory_bytes", .integer(stats.residentMemoryBytes)),
            ("uptime_seconds", .double(stats.uptimeSeconds)),
            ("images_encoded", .integer(stats.imagesEncoded)),
            ("version", .string(stats.version)),
            ("collections", .array(stats.collections.map(JSONValue.string))),
            ("verify", .bool(stats.verify)),
        ])
    }

    private func summary(_ stats: Imagesearch_V1_StatsResponse) -> String {
        LabeledLines.render([
            ("collection", connection.collectionName),
            ("images", "\(stats.count)"),
            ("model", "\(stats.model) (sha256 \(stats.modelSha256.prefix(12)))"),
            ("dimension", "\(stats.dimension)"),
            ("preprocessing", stats.preprocessing),
            ("backend", stats.backend),
            ("index", stats.indexType),
            ("metric", stats.metric),
            ("verify", stats.verify ? "on" : "off"),
            ("index memory", HumanFormat.bytes(stats.indexMemoryBytes)),
            ("resident memory", HumanFormat.bytes(stats.residentMemoryBytes)),
            ("uptime", HumanFormat.duration(stats.uptimeSeconds)),
            ("images encoded", "\(stats.imagesEncoded) since start"),
            ("version", stats.version),
            ("collections", stats.collections.joined(separator: ", ")),
        ])
    }
}
