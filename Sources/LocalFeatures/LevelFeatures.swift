/// The keypoints found on one pyramid level, in the first level's pixels, with their descriptors:
/// a part of an image's `LocalFeatureSet`, and of its mirror image's when those are found too.
struct LevelFeatures: Sendable {
    /// x, y of keypoint i at 2i, 2i + 1.
    var positions: [Float] = []
    /// Keypoint i's descriptor in words 4i..<4i + 4.
    var descriptors: [UInt64] = []
    var mirroredPositions: [Float] = []
    var mirroredDescriptors: [UInt64] = []
}
