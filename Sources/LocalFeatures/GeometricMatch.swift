/// What verification found between a query and one candidate: how many matches one homography
/// explains, and which way up that homography holds the query.
public struct GeometricMatch: Sendable, Equatable {
    public var inliers: Int
    /// Whether the homography turns the query's horizontal by less than 45° (either way): the query
    /// shows the candidate's scene upright, not turned by a quarter turn or more. False without a fit.
    public var isUpright: Bool

    public init(inliers: Int, isUpright: Bool) {
        self.inliers = inliers
        self.isUpright = isUpright
    }
}
