/// A collection's own settings, stored with it so that they outlive the daemon. A setting left nil
/// follows the daemon's default.
public struct CollectionSettings: Codable, Sendable, Equatable {
    /// Whether searches verify their results when a request does not say, and so whether added images
    /// keep local features.
    public var verify: Bool?

    public init(verify: Bool? = nil) {
        self.verify = verify
    }
}
