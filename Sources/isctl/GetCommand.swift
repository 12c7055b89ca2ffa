import ArgumentParser
import ImageSearchProtos

/// `isctl get`: one stored image by id or name.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print a stored image: id, name, content hash, metadata and, when asked, its vector.",
        discussion: "Exits with 1 when no such image is stored.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The image's id (digits only) or name.")
    var image: String

    @Flag(help: "Print JSON: {\"id\":…,\"name\":…,\"sha256\":…,\"metadata\":{…}}.")
    var json = false

    @Flag(help: "Also print the image's vector.")
    var vector = false

    @Flag(help: "Take the argument as a name even when it is all digits.")
    var names = false

    func run() async throws {
        var request = Imagesearch_V1_GetRequest()
        request.collection = connection.collection
        switch ImageReference(image, namesOnly: names) {
        case .id(let id): request.key = .id(id)
        case .name(let name): request.key = .name(name)
        }
        request.includeVector = vector
        let stored = try await DaemonConnection(connection).withImageSearch { [request] in try await $0.get(request) }.image
        if json {
            print(jsonObject(stored).text)
        } else {
            print(description(stored))
        }
    }

    /// `{"id":…,"name":…,"sha256":…,"metadata":{…}}`, and `"vector":[…]` when asked for.
    private func jsonObject(_ image: Imagesearch_V1_StoredImage) -> JSONValue {
        let metadata = image.metadata.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value)) }
        var members: [(key: String, value: JSONValue)] = [
            ("id", .integer(image.id)),
            ("name", .string(image.name)),
            ("sha256", .string(image.contentSha256)),
            ("metadata", .object(metadata)),
        ]
        if vector {
            members.append(("vector", .array(image.vector.map(JSONValue.float))))
        }
        return .object(members)
    }

    private func description(_ image: Imagesearch_V1_StoredImage) -> String {
        let metadata = image.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var rows: [(label: String, value: String)] = [
            ("id", "\(image.id)"),
            ("name", image.name),
            ("sha256", image.contentSha256),
            ("metadata", metadata.isEmpty ? "(none)" : metadata.joined(separator: "\n")),
        ]
        if vector {
            rows.append(("vector", image.vector.map { "\($0)" }.joined(separator: " ")))
        }
        return LabeledLines.render(rows)
    }
}
