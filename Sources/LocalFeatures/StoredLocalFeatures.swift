import Foundation

/// What is stored with every image so that searches can verify it without the image itself: its
/// local features, and the descriptors of its mirror image at the same keypoints (mirrored), so
/// that an image queried by id also finds its mirrored copies.
public struct StoredLocalFeatures: Sendable, Equatable {
    public let asIs: LocalFeatureSet
    public let mirrored: LocalFeatureSet

    public init(asIs: LocalFeatureSet, mirrored: LocalFeatureSet) {
        precondition(asIs.count == mirrored.count && asIs.width == mirrored.width && asIs.height == mirrored.height)
        self.asIs = asIs
        self.mirrored = mirrored
    }

    /// Format tag and version of `serialized()`; a new layout gets a new tag.
    private static let tag: [UInt8] = Array("ISLF1\0\0\0".utf8)
    private static let headerBytes = tag.count + 8

    /// The features as bytes: tag, then width, height, keypoint count and 0 as little-endian UInt16,
    /// then the positions as Float32, the descriptors and the mirrored descriptors as UInt64, all
    /// little-endian (the mirrored positions follow from the others: x ↦ width − 1 − x).
    public func serialized() -> Data {
        var data = Data(Self.tag)
        for value in [UInt16(asIs.width), UInt16(asIs.height), UInt16(asIs.count), 0] { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        for value in asIs.positions { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        for value in asIs.descriptors + mirrored.descriptors { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// Reads what `serialized()` wrote; nil when `data` is not that (damaged, or another format).
    public init?(serialized data: Data) {
        guard data.count >= Self.headerBytes, Array(data.prefix(Self.tag.count)) == Self.tag else { return nil }
        let bytes = [UInt8](data)
        func uint16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        let width = uint16(Self.tag.count), height = uint16(Self.tag.count + 2), count = uint16(Self.tag.count + 4)
        let words = count * BinaryTestPattern.words
        let positionsStart = Self.headerBytes, descriptorsStart = positionsStart + count * 8
        guard bytes.count == descriptorsStart + 2 * words * 8 else { return nil }
        let (positions, descriptors) = bytes.withUnsafeBytes { raw in
            ((0..<2 * count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: positionsStart + 4 * $0, as: UInt32.self))) },
             (0..<2 * words).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: descriptorsStart + 8 * $0, as: UInt64.self)) })
        }
        let mirroredPositions = (0..<2 * count).map { $0 % 2 == 0 ? Float(width - 1) - positions[$0] : positions[$0] }
        self.init(
            asIs: LocalFeatureSet(width: width, height: height, positions: positions, descriptors: Array(descriptors[..<words])),
            mirrored: LocalFeatureSet(width: width, height: height, positions: mirroredPositions, descriptors: Array(descriptors[words...])))
    }
}
