import ArgumentParser
import ImageSearchProtos

/// `isctl rm`: removes stored images by id or name.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove stored images by id or name.",
        discussion: "Exits with 1 when some of them were not stored.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Ids (digits only) or names of stored images.")
    var images: [String]

    @Flag(help: "Take every argument as a name, also those that are all digits.")
    var names = false

    func run() async throws {
        var request = Imagesearch_V1_RemoveRequest()
        request.collection = connection.collection
        for argument in images {
            switch ImageReference(argument, namesOnly: names) {
            case .id(let id): request.ids.append(id)
            case .name(let name): request.names.append(name)
            }
        }
        let response = try await DaemonConnection(connection).withImageSearch { [request] in try await $0.remove(request) }
        print(Self.removal(response.removedIds))
        guard response.notFound.isEmpty else {
            throw CLIError(.notFound, "not found: \(response.notFound.joined(separator: ", "))")
        }
    }

    /// `removed 2 images: ids 12, 15`, `removed 1 image: id 7`, `removed nothing`.
    private static func removal(_ ids: [UInt64]) -> String {
        let list = ids.map(String.init).joined(separator: ", ")
        switch ids.count {
        case 0: return "removed nothing"
        case 1: return "removed 1 image: id \(list)"
        default: return "removed \(ids.count) images: ids \(list)"
        }
    }
}
