import ArgumentParser
import Foundation
import ImageSearchProtos

/// `isctl search`: the stored images most similar to an image, a stored image or a vector.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find the stored images most similar to an image, a stored image or a vector.",
        discussion: "Give exactly one query. Distances are smaller for more similar images.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The query image (JPEG, PNG or WebP), or - for standard input.")
    var image: String?

    @Option(help: "Query with the stored image of this id (it is itself the first result).")
    var id: UInt64?

    @Option(help: "Query with the stored image of this name (it is itself the first result).")
    var name: String?

    @Option(help: ArgumentHelp(
        "Query with a vector: a JSON array of numbers, or the output of 'isctl embed --json'; - for standard input.",
        valueName: "file"))
    var vector: String?

    @Option(name: .short, help: "How many results, 1 to 1000.")
    var k = 10

    @Option(help: ArgumentHelp("Only results at most this far from the query.", valueName: "distance"))
    var maxDistance: Float?

    @Flag(inversion: .prefixedNo, help: "Also match the query image turned by 90°, 180° and 270° (default: the daemon's setting, on unless changed).")
    var matchRotations: Bool?

    @Flag(inversion: .prefixedNo, help: "Verify the nearest candidates geometrically and put those showing the same scene first (default: the collection's setting, see 'isctl configure'; on unless changed).")
    var verify: Bool?

    @Flag(help: "Only results verified to show the same scene as the query: an edited copy, or an overlapping view of the same place (\(Self.sameSceneInliers) inliers or more).")
    var sameScene = false

    @Option(help: ArgumentHelp("Only results verified with at least this many inliers (\(Self.sameSceneInliers): --same-scene).", valueName: "n"))
    var minInliers: UInt32?

    @Flag(help: "Print JSON: {\"results\":[{\"id\":…,\"name\":…,\"distance\":…,\"inliers\":…}],\"metric\":…} (inliers only for verified results).")
    var json = false

    func validate() throws {
        let queries = [image != nil, id != nil, name != nil, vector != nil].filter { $0 }.count
        guard queries == 1 else {
            throw ValidationError("Give exactly one query: an IMAGE (or - for standard input), --id, --name or --vector.")
        }
        guard (1...1000).contains(k) else { throw ValidationError("-k must be between 1 and 1000.") }
        if let maxDistance, !maxDistance.isFinite { throw ValidationError("--max-distance must be a finite number.") }
        try validateCutOff()
    }

    /// The inlier cut-offs need a verified search, and one of them is enough.
    private func validateCutOff() throws {
        guard sameScene || minInliers != nil else { return }
        let option = sameScene ? "--same-scene" : "--min-inliers"
        guard !(sameScene && minInliers != nil) else { throw ValidationError("Give --same-scene or --min-inliers, not both.") }
        guard verify != false else { throw ValidationError("\(option) keeps only verified results; it cannot go with --no-verify.") }
        guard vector == nil else { throw ValidationError("\(option) needs local features of the query, which a vector has not.") }
        if let minInliers, minInliers == 0 { throw ValidationError("--min-inliers must be at least 1.") }
    }

    /// The inlier count from which a result shows the same scene (the daemon's threshold, documented
    /// with SearchResult.inliers in the protocol).
    static let sameSceneInliers: UInt32 = 12

    func run() async throws {
        let request = try makeRequest()
        let response = try await DaemonConnection(connection).withImageSearch { try await $0.search(request) }
        if json {
            print(Self.jsonObject(response).text)
        } else {
            print(table(response.results))
        }
    }

    private func makeRequest() throws -> Imagesearch_V1_SearchRequest {
        var request = Imagesearch_V1_SearchRequest()
        request.collection = connection.collection
        request.query = try query()
        request.topK = UInt32(k)
        if let maxDistance { request.maxDistance = maxDistance }
        if let matchRotations { request.matchRotations = matchRotations }
        if let verify { request.verify = verify }
        if let cutOff = sameScene ? Self.sameSceneInliers : minInliers { request.minInliers = cutOff }
        return request
    }

    private func query() throws -> Imagesearch_V1_SearchRequest.OneOf_Query {
        if let id { return .id(id) }
        if let name { return .name(name) }
        if let vector {
            var query = Imagesearch_V1_Vector()
            query.values = try QueryVector.read(vector)
            return .vector(query)
        }
        guard let image else { preconditionFailure("validate() admits exactly one query") }
        return .image(try InputFile.contents(of: image))
    }

    /// `{"results":[{"id":…,"name":…,"distance":…,"inliers":…}],"metric":…}`
    private static func jsonObject(_ response: Imagesearch_V1_SearchResponse) -> JSONValue {
        let results = response.results.map { result in
            let inliers: [(String, JSONValue)] = result.hasInliers ? [("inliers", .integer(UInt64(result.inliers)))] : []
            return JSONValue.object([("id", .integer(result.id)), ("name", .string(result.name)), ("distance", .float(result.distance))] + inliers)
        }
        return .object([("results", .array(results)), ("metric", .string(response.metric))])
    }

    /// Columns rank, distance (4 decimals), inliers ("-" when not verified), id, name; numbers
    /// right-aligned.
    private func table(_ results: [Imagesearch_V1_SearchResult]) -> String {
        guard !results.isEmpty else { return "no results" }
        let rows = results.enumerated().map { rank, result in
            ["\(rank + 1)", String(format: "%.4f", result.distance), result.hasInliers ? "\(result.inliers)" : "-", "\(result.id)", result.name]
        }
        let header = ["rank", "distance", "inliers", "id", "name"]
        let widths = (0..<4).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            (0..<4).map { row[$0].leftPadded(to: widths[$0]) }.joined(separator: "  ")
                + "  " + row[4]
        }
        .joined(separator: "\n")
    }
}
