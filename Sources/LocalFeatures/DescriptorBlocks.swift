/// One image's binary descriptors laid out to be searched eight at a time: block k holds, for each of
/// the 4 descriptor words, that word of descriptors 8k…8k+7 in one `SIMD8<UInt64>`. A query word XORed
/// with a block row and a lane-wise bit count then give a part of 8 Hamming distances in one AVX-512
/// register (two AVX2 ones): about 3× faster than comparing descriptor by descriptor, and matching is
/// most of a verified search's work. (`SIMD8<UInt64>.nonzeroBitCount` becomes vector instructions;
/// byte-wise shifts and counts on `SIMD64<UInt8>` do not, and run lane by lane.)
public struct DescriptorBlocks: Sendable {
    /// Block k's rows at 4k..<4k + 4.
    private let rows: [SIMD8<UInt64>]
    /// Lanes of the last block past the last descriptor.
    private let padding: SIMDMask<SIMD8<Int64>>
    public let count: Int

    public var blockCount: Int { rows.count / Self.words }

    private static let words = BinaryTestPattern.words

    public init(_ features: LocalFeatureSet) {
        let count = features.count
        let blockCount = (count + 7) / 8
        var rows = [SIMD8<UInt64>](repeating: .zero, count: blockCount * Self.words)
        for descriptor in 0..<count {
            let (block, lane) = descriptor.quotientAndRemainder(dividingBy: 8)
            for word in 0..<Self.words {
                rows[block * Self.words + word][lane] = features.descriptors[descriptor * Self.words + word]
            }
        }
        self.rows = rows
        self.count = count
        let used = Int64(count - max(blockCount - 1, 0) * 8)
        padding = SIMD8<Int64>(0, 1, 2, 3, 4, 5, 6, 7) .>= SIMD8(repeating: used)
    }

    /// The descriptor nearest to `query`'s descriptor `index` (the first of equals), its distance and
    /// the distance of the next nearest (equal to it when two are as near; 256 when there is no
    /// other); nil when no descriptor is nearer than `limit`, or there is none.
    public func nearestTwo(to query: LocalFeatureSet, index: Int, limit: Int) -> (index: Int, distance: Int, secondDistance: Int)? {
        guard count > 0 else { return nil }
        let words = query.descriptors, at = index * Self.words
        let descriptor = (words[at], words[at + 1], words[at + 2], words[at + 3])
        return withUnsafeTemporaryAllocation(of: SIMD8<UInt64>.self, capacity: blockCount) { distances in
            let lowest = self.distances(to: descriptor, into: distances)
            guard lowest < limit else { return nil }
            return Self.positionAndRunnerUp(of: UInt64(lowest), in: distances)
        }
    }

    /// Writes the distances from `descriptor` to every block (the padding lanes at `UInt64.max`) and
    /// returns the smallest.
    private func distances(
        to descriptor: (UInt64, UInt64, UInt64, UInt64), into distances: UnsafeMutableBufferPointer<SIMD8<UInt64>>
    ) -> Int {
        let q0 = SIMD8(repeating: descriptor.0), q1 = SIMD8(repeating: descriptor.1)
        let q2 = SIMD8(repeating: descriptor.2), q3 = SIMD8(repeating: descriptor.3)
        var lowest = SIMD8<UInt64>(repeating: .max)
        rows.withUnsafeBufferPointer { rows in
            for block in 0..<blockCount {
                let row = rows.baseAddress! + block * Self.words
                var distance = (row[0] ^ q0).nonzeroBitCount &+ (row[1] ^ q1).nonzeroBitCount
                distance &+= (row[2] ^ q2).nonzeroBitCount &+ (row[3] ^ q3).nonzeroBitCount
                if block == blockCount - 1 { distance.replace(with: .max, where: padding) }
                distances[block] = distance
                lowest = pointwiseMin(lowest, distance)
            }
        }
        return Int(lowest.min())
    }

    /// Where the smallest distance `first` is (its first lane), and the next smallest distance.
    private static func positionAndRunnerUp(of first: UInt64, in distances: UnsafeMutableBufferPointer<SIMD8<UInt64>>) -> (index: Int, distance: Int, secondDistance: Int) {
        let target = SIMD8<UInt64>(repeating: first)
        var position = -1, equals = 0
        for (block, values) in distances.enumerated() where any(values .== target) {
            for lane in 0..<8 where values[lane] == first {
                if position < 0 { position = block * 8 + lane }
                equals += 1
            }
        }
        guard equals == 1 else { return (position, Int(first), Int(first)) }
        distances[position / 8][position % 8] = .max
        var second = SIMD8<UInt64>(repeating: 256)
        for values in distances { second = pointwiseMin(second, values) }
        return (position, Int(first), Int(second.min()))
    }
}
