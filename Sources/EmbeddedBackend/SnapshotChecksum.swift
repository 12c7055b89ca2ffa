/// The checksum that tells a damaged or half-written snapshot from a good one: Fletcher-style sums of
/// 32-bit words in 16 lanes. Any changed word changes the first sum and moved words change the second,
/// and it runs at memory speed, where a table CRC would add about a second to every start at 512 MB.
/// It guards against accidents, not against deliberate tampering.
///
/// Bytes may be fed in pieces of any size: the result depends only on the bytes, not on the pieces.
struct SnapshotChecksum {
    private static let blockSize = 64
    private var sums = SIMD16<UInt32>()
    private var positionalSums = SIMD16<UInt32>()
    /// The start of a block that is not complete yet.
    private var pending: [UInt8] = []
    private var byteCount: UInt64 = 0

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        byteCount += UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            offset = min(Self.blockSize - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<offset])
            guard pending.count == Self.blockSize else { return }
            pending.withUnsafeBytes { addBlock($0.baseAddress!) }
            pending.removeAll(keepingCapacity: true)
        }
        while offset + Self.blockSize <= bytes.count {
            addBlock(base + offset)
            offset += Self.blockSize
        }
        pending.append(contentsOf: bytes[offset...])
    }

    /// The checksum of all bytes fed so far (the last partial block padded with zeros).
    func value() -> UInt64 {
        var final = self
        if !final.pending.isEmpty {
            final.pending += [UInt8](repeating: 0, count: Self.blockSize - final.pending.count)
            final.pending.withUnsafeBytes { final.addBlock($0.baseAddress!) }
        }
        var value = byteCount
        for lane in 0..<16 {
            value = (value ^ UInt64(final.sums[lane])) &* 0x100_0000_01B3
            value = (value ^ UInt64(final.positionalSums[lane])) &* 0x100_0000_01B3
        }
        return value
    }

    @inline(__always)
    private mutating func addBlock(_ block: UnsafeRawPointer) {
        sums &+= block.loadUnaligned(as: SIMD16<UInt32>.self)
        positionalSums &+= sums
    }
}
