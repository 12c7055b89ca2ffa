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
    /// other); nil when no descriptor is nearer than `limit`, or there is none. One pass: each lane
    /// keeps its nearest, the block it was in (the first of equals) and its runner-up.
    public func nearestTwo(to query: LocalFeatureSet, index: Int, limit: Int) -> (index: Int, distance: Int, secondDistance: Int)? {
        guard count > 0 else { return nil }
        let words = query.descriptors, at = index * Self.words
        let q0 = SIMD8(repeating: words[at]), q1 = SIMD8(repeating: words[at + 1])
        let q2 = SIMD8(repeating: words[at + 2]), q3 = SIMD8(repeating: words[at + 3])
        var lowest = SIMD8<UInt64>(repeating: .max), second = SIMD8<UInt64>(repeating: .max)
        var lowestBlock = SIMD8<UInt64>(repeating: 0)
        rows.withUnsafeBufferPointer { rows in
            for block in 0..<blockCount {
                let row = rows.baseAddress! + block * Self.words
                var distance = (row[0] ^ q0).nonzeroBitCount &+ (row[1] ^ q1).nonzeroBitCount
                distance &+= (row[2] ^ q2).nonzeroBitCount &+ (row[3] ^ q3).nonzeroBitCount
                if block == blockCount - 1 { distance.replace(with: .max, where: padding) }
                second = pointwiseMin(second, pointwiseMax(lowest, distance))
                lowestBlock.replace(with: SIMD8(repeating: UInt64(block)), where: distance .< lowest)
                lowest = pointwiseMin(lowest, distance)
            }
        }
        let first = lowest.min()
        guard first < UInt64(limit) else { return nil }
        return Self.combineLanes(lowest: lowest, lowestBlock: lowestBlock, second: second, first: first)
    }

    /// The nearest over all lanes (the smallest index among equals), and the runner-up: the best of
    /// every lane's runner-up and of the other lanes' nearest.
    private static func combineLanes(
        lowest: SIMD8<UInt64>, lowestBlock: SIMD8<UInt64>, second: SIMD8<UInt64>, first: UInt64
    ) -> (index: Int, distance: Int, secondDistance: Int) {
        var position = Int.max, lane = 0
        for candidate in 0..<8 where lowest[candidate] == first {
            let index = Int(lowestBlock[candidate]) * 8 + candidate
            if index < position { (position, lane) = (index, candidate) }
        }
        var others = lowest
        others[lane] = .max
        let runnerUp = min(pointwiseMin(second, others).min(), 256)
        return (position, Int(first), Int(runnerUp))
    }
}
