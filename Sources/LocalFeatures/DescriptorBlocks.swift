import CHamming

/// One image's binary descriptors laid out to be searched eight at a time: block k holds, for each of
/// the 4 descriptor words, that word of descriptors 8k…8k+7 in one 64-byte row. A query word XORed
/// with a block row and a bit count per byte then give a part of 8 Hamming distances in one AVX-512
/// register (two with AVX2); matching is most of a verified search's work (the scan itself is in C,
/// `CHamming`, for the byte shuffle that counts the bits).
public struct DescriptorBlocks: Sendable {
    /// Block k's rows at 4k..<4k + 4.
    private let rows: [SIMD8<UInt64>]
    /// Lanes of the last block before the padding.
    private let usedInLastBlock: Int
    public let count: Int
    private let kernel: Kernel

    public var blockCount: Int { rows.count / Self.words }

    private static let words = BinaryTestPattern.words

    /// How the blocks are scanned: with AVX-512BW or AVX2 where the CPU has it, else a descriptor at
    /// a time. All find the same.
    public enum Kernel: Sendable, CaseIterable {
        case avx512bw
        case avx2
        case portable

        /// The fastest kernel this CPU runs.
        public static let fastest: Kernel = Self.allCases.first(where: \.isAvailable)!

        /// Whether this CPU runs the kernel.
        public var isAvailable: Bool {
            switch self {
            case .avx512bw: hammingScanHasAVX512BW() != 0
            case .avx2: hammingScanHasAVX2() != 0
            case .portable: true
            }
        }
    }

    public init(_ features: LocalFeatureSet, kernel: Kernel = .fastest) {
        precondition(kernel.isAvailable, "this CPU cannot run the \(kernel) descriptor scan")
        let count = features.count
        precondition(count < 1 << HAMMING_INDEX_BITS, "the descriptor scan indexes fewer than \(1 << HAMMING_INDEX_BITS) descriptors")
        self.kernel = kernel
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
        usedInLastBlock = count - max(blockCount - 1, 0) * 8
    }

    /// The descriptor nearest to `query`'s descriptor `index` (the first of equals), its distance and
    /// the distance of the next nearest (equal to it when two are as near; 256 when there is no
    /// other); nil when no descriptor is nearer than `limit`, or there is none. One pass: each lane
    /// keeps its nearest, the block it was in (the first of equals) and its runner-up.
    public func nearestTwo(to query: LocalFeatureSet, index: Int, limit: Int) -> (index: Int, distance: Int, secondDistance: Int)? {
        guard count > 0 else { return nil }
        let (lowest, second, lowestBlock) = scan(query.descriptors, from: index * Self.words)
        let first = lowest.min()
        guard first < UInt64(limit) else { return nil }
        return Self.combineLanes(lowest: lowest, lowestBlock: lowestBlock, second: second, first: first)
    }

    /// Each lane's nearest distance, runner-up distance and the block of its nearest, for the
    /// descriptor at `words[start..<start + 4]`.
    private func scan(_ words: [UInt64], from start: Int) -> (lowest: SIMD8<UInt64>, second: SIMD8<UInt64>, lowestBlock: SIMD8<UInt64>) {
        withUnsafeTemporaryAllocation(of: SIMD8<UInt64>.self, capacity: 3) { lanes in
            let out = UnsafeMutableRawPointer(lanes.baseAddress!).assumingMemoryBound(to: UInt64.self)
            rows.withUnsafeBytes { rows in
                words.withUnsafeBufferPointer { words in
                    let rows = rows.baseAddress!.assumingMemoryBound(to: UInt64.self), query = words.baseAddress! + start
                    switch kernel {
                    case .avx512bw: hammingScanAVX512BW(rows, blockCount, usedInLastBlock, query, out, out + 8, out + 16)
                    case .avx2: hammingScanAVX2(rows, blockCount, usedInLastBlock, query, out, out + 8, out + 16)
                    case .portable: hammingScanPortable(rows, blockCount, usedInLastBlock, query, out, out + 8, out + 16)
                    }
                }
            }
            return (lanes[0], lanes[1], lanes[2])
        }
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
