import Imaging
import LocalFeatures

/// A query image's embedding in each view searched, and, when asked for and known, its local
/// features as it is and mirrored (binary descriptors do not match a mirrored copy's, so both are
/// compared); nil when the query cannot be verified.
struct EncodedQuery: Sendable {
    var vectors: [[Float]]
    var localFeatures: PendingLocalFeatures? = nil
    /// The network input the views were taken from, for views a search adds later; nil for a query
    /// that was not an image.
    var networkImage: RGBImage? = nil
}
