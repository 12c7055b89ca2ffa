import ArgumentParser
import Foundation
import ImageSearchProtos

/// `isctl embed`: the daemon's vector for an image, without storing anything.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the embedding of an image, without storing it.",
        discussion: "The JSON output can be given to 'isctl search --vector'.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The image (JPEG, PNG or WebP), or - for standard input.")
    var image: String

    @Flag(help: "Print JSON: {\"model\":…,\"dim\":…,\"vector\":[…]}.")
    var json = false

    func run() async throws {
        var request = Imagesearch_V1_EmbedRequest()
        request.image = try InputFile.contents(of: image)
        let response = try await DaemonConnection(connection).withImageSearch { [request] in try await $0.embed(request) }
        if json {
            print(Self.jsonObject(response).text)
        } else {
            print(summary(response))
        }
    }

    /// `{"model":…,"dim":…,"vector":[…]}`, which `isctl search --vector` reads back.
    private static func jsonObject(_ response: Imagesearch_V1_EmbedResponse) -> JSONValue {
        .object([
            ("model", .string(response.model)),
            ("dim", .integer(UInt64(response.dimension))),
            ("vector", .array(response.vector.map(JSONValue.float))),
        ])
    }

    /// Model, dimension, L2 norm and the first values: enough to see that it worked.
    private func summary(_ response: Imagesearch_V1_EmbedResponse) -> String {
        let norm = response.vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        let first = response.vector.prefix(8).map { String(format: "%.4f", $0) }.joined(separator: " ")
        return LabeledLines.render([
            ("model", response.model),
            ("dimension", "\(response.dimension)"),
            ("L2 norm", String(format: "%.4f", norm)),
            ("first \(min(8, response.vector.count))", first),
        ])
    }
}
