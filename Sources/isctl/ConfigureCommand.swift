import ArgumentParser
import ImageSearchProtos

/// `isctl configure`: a collection's own settings, kept with it across restarts.
struct ConfigureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure",
        abstract: "Change a collection's settings (they are stored with it), and print those in effect.",
        discussion: """
            With no setting given, only prints them. A collection that never set one follows the \
            daemon's option of the same name. Collections on Milvus keep no settings.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Flag(inversion: .prefixedNo, help: """
        Whether searches verify their results when they do not say (isctl search --[no-]verify), and \
        so whether images added from now on keep local features (about 36 KB and 10-15 ms each). \
        Images already stored do not gain them.
        """)
    var verify: Bool?

    @Flag(help: "Print JSON: {\"collection\":…,\"verify\":…}.")
    var json = false

    func run() async throws {
        var request = Imagesearch_V1_ConfigureCollectionRequest()
        request.collection = connection.collection
        if let verify { request.verify = verify }
        let settings = try await DaemonConnection(connection).withImageSearch { [request] in try await $0.configureCollection(request) }
        let collection = connection.collectionName
        if json {
            print(JSONValue.object([("collection", .string(collection)), ("verify", .bool(settings.verify))]).text)
        } else {
            print(LabeledLines.render([("collection", collection), ("verify", settings.verify ? "on" : "off")]))
        }
    }
}
