/// One search result.
public struct SearchHit: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// Smaller is more similar; see `Metric` for each metric's definition.
    public var distance: Float
    public var metadata: [String: String]
    /// How many of the query's local features one geometric transformation maps onto this image's,
    /// when the search verified it (see `GeometricVerifier`); nil when not verified.
    public var inliers: Int?

    public init(id: Int64, name: String, distance: Float, metadata: [String: String], inliers: Int? = nil) {
        self.id = id
        self.name = name
        self.distance = distance
        self.metadata = metadata
        self.inliers = inliers
    }
}
