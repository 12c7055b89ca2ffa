import Foundation
import MilvusProtos
import SearchBackend

/// A collection's vector index in Milvus's own terms, from an `IndexSpec` checked and completed with
/// defaults: FLAT (exact), IVF_FLAT (`nlist` when built, `nprobe` when searching) and HNSW (`M`,
/// `efConstruction` when built, `ef` when searching).
struct MilvusIndex: Sendable, Equatable {
    private struct Parameter {
        var name: String
        var defaultValue: Int
        var range: ClosedRange<Int>
        /// Whether Milvus needs it to build the index (else it is passed with each search).
        var isBuildParameter: Bool
    }

    /// The spec with every parameter filled in; what `statistics()` reports.
    let spec: IndexSpec

    init(_ requested: IndexSpec) throws {
        let known = Self.parameters(for: requested.kind)
        let unknown = Set(requested.parameters.keys).subtracting(known.map(\.name))
        guard unknown.isEmpty else {
            let expected = known.isEmpty ? "it takes none" : "known: \(known.map(\.name).joined(separator: ", "))"
            throw BackendError(.invalidArgument, "unknown \(requested.kind.rawValue) index parameter(s) \(unknown.sorted().joined(separator: ", ")); \(expected)")
        }
        var values: [String: Int] = [:]
        for parameter in known {
            let value = requested.parameter(parameter.name, default: parameter.defaultValue)
            guard parameter.range.contains(value) else {
                throw BackendError(.invalidArgument, "\(requested.kind.rawValue) parameter \(parameter.name)=\(value) is out of range; use \(parameter.range.lowerBound)…\(parameter.range.upperBound) (default \(parameter.defaultValue))")
            }
            values[parameter.name] = value
        }
        if requested.kind == .ivfFlat, let nprobe = values["nprobe"], let nlist = values["nlist"], nprobe > nlist {
            throw BackendError(.invalidArgument, "IVF_FLAT nprobe=\(nprobe) exceeds nlist=\(nlist); nprobe is how many of the nlist clusters a search visits")
        }
        spec = IndexSpec(kind: requested.kind, metric: requested.metric, parameters: values)
    }

    /// `extra_params` of CreateIndex, the way pymilvus sends them.
    var createParameters: [Milvus_Proto_Common_KeyValuePair] {
        [
            .init("index_type", spec.kind.rawValue),
            .init("metric_type", spec.metric.rawValue),
            .init("params", Self.json(buildParameters)),
        ]
    }

    /// `search_params` of a Search for the `topK` nearest.
    func searchParameters(topK: Int) -> [Milvus_Proto_Common_KeyValuePair] {
        var parameters = spec.parameters.filter { !buildParameters.keys.contains($0.key) }
        if let ef = parameters["ef"] {
            parameters["ef"] = max(ef, topK)  // HNSW returns at most ef results
        }
        return [
            .init("anns_field", MilvusSchema.vector),
            .init("topk", "\(topK)"),
            .init("metric_type", spec.metric.rawValue),
            .init("params", Self.json(parameters)),
            .init("round_decimal", "-1"),
        ]
    }

    /// Refuses to use a collection whose existing index differs from this one in kind, metric or build
    /// parameters: its distances would not mean what the daemon reports. Search parameters may differ.
    func checkMatches(_ existing: Milvus_Proto_Milvus_IndexDescription, collection: String) throws {
        let existingKind = existing.params["index_type"] ?? "?"
        let existingMetric = existing.params["metric_type"] ?? "?"
        let existingBuild = Self.buildParameters(of: existing)
        guard existingKind == spec.kind.rawValue, existingMetric == spec.metric.rawValue, existingBuild == buildParameters else {
            let list = existingBuild.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            throw BackendError(.invalidArgument, """
                Milvus collection \(collection) has a \(existingKind)(\(list))/\(existingMetric) index, but imagesearchd is set up \
                for \(spec); use the collection's index settings, or drop its index in Milvus so that it is rebuilt
                """)
        }
    }

    private var buildParameters: [String: Int] {
        let names = Set(Self.parameters(for: spec.kind).filter(\.isBuildParameter).map(\.name))
        return spec.parameters.filter { names.contains($0.key) }
    }

    /// Build parameters as DescribeIndex reports them: one pair each (Milvus 2.3+, Milvus Lite), or
    /// all in a JSON `params` pair (as they were sent).
    private static func buildParameters(of description: Milvus_Proto_Milvus_IndexDescription) -> [String: Int] {
        let kind = description.params["index_type"].flatMap(IndexSpec.Kind.init(rawValue:))
        let names = kind.map { parameters(for: $0).filter(\.isBuildParameter).map(\.name) } ?? []
        let json = description.params["params"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
        var values: [String: Int] = [:]
        for name in names {
            // Numbers or numeric strings, depending on the server version.
            values[name] = description.params[name].flatMap { Int($0) } ?? json[name].flatMap { Int("\($0)") }
        }
        return values
    }

    /// Milvus's names, defaults and ranges for each index kind.
    private static func parameters(for kind: IndexSpec.Kind) -> [Parameter] {
        switch kind {
        case .flat:
            []
        case .ivfFlat:
            [
                Parameter(name: "nlist", defaultValue: 128, range: 1...65_536, isBuildParameter: true),
                Parameter(name: "nprobe", defaultValue: 16, range: 1...65_536, isBuildParameter: false),
            ]
        case .hnsw:
            [
                Parameter(name: "M", defaultValue: 16, range: 2...2_048, isBuildParameter: true),
                Parameter(name: "efConstruction", defaultValue: 200, range: 1...Int(Int32.max), isBuildParameter: true),
                Parameter(name: "ef", defaultValue: 64, range: 1...32_768, isBuildParameter: false),
            ]
        }
    }

    private static func json(_ parameters: [String: Int]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding a dictionary of integers cannot fail.
        return String(decoding: try! encoder.encode(parameters), as: UTF8.self)
    }
}
