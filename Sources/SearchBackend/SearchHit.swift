/// One search result.
public struct SearchHit: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// Smaller is more similar; see `Metric` for each metric's definition.
    public var distance: Float
    public var metadata: [String: String]

    public init(id: Int64, name: String, distance: Float, metadata: [String: String]) {
        self.id = id
        self.name = name
        self.distance = distance
        self.metadata = metadata
    }
}
