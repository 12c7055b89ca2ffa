/// The in-memory index of a collection and its parameters, in Milvus's vocabulary: `FLAT` (exact),
/// `HNSW` (`M`, `efConstruction`, `ef`) and `IVF_FLAT` (`nlist`, `nprobe`).
public struct IndexSpec: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case flat = "FLAT"
        case hnsw = "HNSW"
        case ivfFlat = "IVF_FLAT"
    }

    public var kind: Kind
    public var metric: Metric
    public var parameters: [String: Int]

    public init(kind: Kind = .flat, metric: Metric = .l2, parameters: [String: Int] = [:]) {
        self.kind = kind
        self.metric = metric
        self.parameters = parameters
    }

    /// `parameters[name]`, or `fallback` when unset.
    public func parameter(_ name: String, default fallback: Int) -> Int {
        parameters[name] ?? fallback
    }

    public var description: String {
        let list = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return list.isEmpty ? "\(kind.rawValue)/\(metric.rawValue)" : "\(kind.rawValue)(\(list))/\(metric.rawValue)"
    }
}
