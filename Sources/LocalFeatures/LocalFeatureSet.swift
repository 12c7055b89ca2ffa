import Foundation

/// The local features of one image: keypoint positions (in the pixels of the image they were found
/// in, `width × height`) and a 256-bit binary descriptor each. Stored with every image so that a
/// search can verify its candidates geometrically without the images themselves.
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

    /// Format tag and version of `serialized()`; a new layout gets a new tag.
    private static let tag: [UInt8] = Array("ISLF1\0\0\0".utf8)
    private static let headerBytes = tag.count + 8

    /// The set as bytes: tag, width, height and count as little-endian UInt16 (and 2 spare bytes),
    /// then the positions as Float32, then the descriptors as UInt64, all little-endian.
    public func serialized() -> Data {
        var data = Data(Self.tag)
        for value in [UInt16(width), UInt16(height), UInt16(count), 0] { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        for value in positions { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        for value in descriptors { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// Reads what `serialized()` wrote; nil when `data` is not such a set (damaged or of another format).
    public init?(serialized data: Data) {
        guard data.count >= Self.headerBytes, Array(data.prefix(Self.tag.count)) == Self.tag else { return nil }
        let bytes = [UInt8](data)
        func uint16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        let width = uint16(Self.tag.count), height = uint16(Self.tag.count + 2), count = uint16(Self.tag.count + 4)
        let positionsStart = Self.headerBytes, descriptorsStart = positionsStart + count * 8
        guard bytes.count == descriptorsStart + count * BinaryTestPattern.words * 8 else { return nil }
        let positions = bytes.withUnsafeBytes { raw in
            (0..<2 * count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: positionsStart + 4 * $0, as: UInt32.self))) }
        }
        let descriptors = bytes.withUnsafeBytes { raw in
            (0..<count * BinaryTestPattern.words).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: descriptorsStart + 8 * $0, as: UInt64.self)) }
        }
        self.init(width: width, height: height, positions: positions, descriptors: descriptors)
    }
}
