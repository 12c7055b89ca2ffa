/// The local features of one image: keypoint positions (in the pixels of the image they were found
/// in, `width × height`) and a 256-bit binary descriptor each.
public struct LocalFeatureSet: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// x, y of keypoint i at 2i, 2i + 1.
    public let positions: [Float]
    /// Keypoint i's descriptor in words 4i..<4i + 4.
    public let descriptors: [UInt64]

    public var count: Int { positions.count / 2 }

    public init(width: Int, height: Int, positions: [Float], descriptors: [UInt64]) {
        precondition(positions.count % 2 == 0 && descriptors.count == positions.count / 2 * BinaryTestPattern.words)
        self.width = width
        self.height = height
        self.positions = positions
        self.descriptors = descriptors
    }
}
