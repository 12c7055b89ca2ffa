import LocalFeatures

/// An image's embedding and, when they were asked for, its local features.
struct EncodedImage: Sendable {
    var vector: [Float]
    var localFeatures: StoredLocalFeatures?
}
