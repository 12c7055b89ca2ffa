import SearchBackend

/// HNSW's knobs, read from `IndexSpec.parameters` under Milvus's names, with hnswlib's defaults.
struct HNSWParameters: Sendable, Equatable {
    static let names: Set<String> = ["M", "efConstruction", "ef"]

    /// Links per node on the upper levels; level 0 allows twice as many.
    var maxLinks: Int
    /// Candidates kept while linking a new node: higher builds a better graph, more slowly.
    var efConstruction: Int
    /// Candidates kept while searching (at least `topK`): higher finds more true neighbours, more slowly.
    var ef: Int

    init(_ spec: IndexSpec) throws {
        maxLinks = try Self.value("M", in: spec, default: 16, range: 2...256)
        efConstruction = try Self.value("efConstruction", in: spec, default: 200, range: 1...32_768)
        ef = try Self.value("ef", in: spec, default: 64, range: 1...32_768)
    }

    /// The parameters as an `IndexSpec`, defaults filled in.
    func parameterList() -> [String: Int] {
        ["M": maxLinks, "efConstruction": efConstruction, "ef": ef]
    }

    private static func value(_ name: String, in spec: IndexSpec, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        let value = spec.parameter(name, default: fallback)
        guard range.contains(value) else {
            throw BackendError(.invalidArgument, "HNSW parameter \(name)=\(value) is out of range; use \(range.lowerBound)…\(range.upperBound) (default \(fallback))")
        }
        return value
    }
}
