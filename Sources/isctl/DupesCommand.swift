import ArgumentParser
import ImageSearchProtos

/// `isctl dupes`: the groups of stored images that show the same scene.
struct DupesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dupes",
        abstract: "List groups of stored images that show the same scene (edited copies, re-encodes, bursts, other shots of one object).",
        discussion: """
            The daemon searches with every stored image and verifies its nearest candidates geometrically; \
            images verified with at least --min-inliers inliers share a group. It takes about as long as one \
            verified search per stored image; a progress bar shows on a terminal.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("Fewest inliers for two images to be grouped (default 12, the daemon's verified threshold).", valueName: "n"))
    var minInliers: UInt32?

    @Flag(help: "Print JSON: {\"groups\":[[{\"id\":…,\"name\":…},…],…]}.")
    var json = false

    func validate() throws {
        if let minInliers, minInliers < 5 { throw ValidationError("--min-inliers must be at least 5: fewer matches than that fit by chance.") }
    }

    func run() async throws {
        var request = Imagesearch_V1_FindDuplicatesRequest()
        request.collection = connection.collection
        if let minInliers { request.minInliers = minInliers }
        let daemon = DaemonConnection(connection)
        let groups = try await daemon.withImageSearch { [request, json] client in
            var statsRequest = Imagesearch_V1_StatsRequest()
            statsRequest.collection = request.collection
            let total = Int(try await client.stats(statsRequest).count)
            let progress = json || !Console.errorIsTerminal ? nil : ProgressBar(total: total)
            guard let progress else { return try await Self.groups(client, request, nil) }
            return try await progress.showing { try await Self.groups(client, request, progress) }
        }
        print(json ? Self.jsonObject(groups).text : Self.listing(groups))
    }

    /// The groups the daemon streams, feeding `progress` meanwhile.
    private static func groups(
        _ client: DaemonConnection.ImageSearchClient, _ request: Imagesearch_V1_FindDuplicatesRequest, _ progress: ProgressBar?
    ) async throws -> [Imagesearch_V1_DuplicateGroup] {
        try await client.findDuplicates(request) { response in
            var groups: [Imagesearch_V1_DuplicateGroup] = []
            for try await message in response.messages {
                switch message.event {
                case .progress(let figures): progress?.update(done: Int(figures.checked))
                case .group(let group): groups.append(group)
                case nil: continue
                }
            }
            return groups
        }
    }

    /// `{"groups":[[{"id":…,"name":…},…],…]}`
    private static func jsonObject(_ groups: [Imagesearch_V1_DuplicateGroup]) -> JSONValue {
        .object([("groups", .array(groups.map { group in
            .array(group.members.map { .object([("id", .integer($0.id)), ("name", .string($0.name))]) })
        }))])
    }

    /// A line per group, then its members' ids (right-aligned) and names.
    private static func listing(_ groups: [Imagesearch_V1_DuplicateGroup]) -> String {
        guard !groups.isEmpty else { return "no two images show the same scene" }
        let width = groups.flatMap(\.members).map { String($0.id).count }.max() ?? 0
        let images = groups.map(\.members.count).reduce(0, +)
        var lines = ["\(groups.count) group\(groups.count == 1 ? "" : "s") of images showing the same scene, \(images) images"]
        for (number, group) in groups.enumerated() {
            lines.append("group \(number + 1): \(group.members.count) images")
            lines += group.members.map { "  " + String($0.id).leftPadded(to: width) + "  " + $0.name }
        }
        return lines.joined(separator: "\n")
    }
}
