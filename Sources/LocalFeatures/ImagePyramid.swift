/// An image and its smaller copies, the levels keypoints are found on (`LocalFeatureExtractor`),
/// each with how many keypoints it may keep.
struct ImagePyramid: Sendable {
    /// The image first, then each copy smaller than the one before.
    let levels: [GrayImage]
    /// Keypoints kept at most on each level.
    let quotas: [Int]
}
