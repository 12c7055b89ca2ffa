import LocalFeatures
import Testing
import TestSupport

/// The blocked descriptor search must find exactly what comparing every pair finds: the nearest
/// descriptor (the first of equals), its distance and the runner-up's.
@Suite struct DescriptorBlocksTests {
    /// Random descriptors, some of them near copies of the query's (a few bits flipped), one exact
    /// copy, one complement (256 bits apart) and one duplicate, in sets whose sizes straddle the
    /// 8-descriptor blocks; with each scan this CPU runs.
    @Test(arguments: [1, 63, 64, 65, 500], DescriptorBlocks.Kernel.allCases.filter(\.isAvailable))
    func agreesWithComparingEveryPair(candidateCount: Int, kernel: DescriptorBlocks.Kernel) {
        var random = SeededGenerator(seed: UInt64(candidateCount))
        let query = Self.features((0..<40).map { _ in Self.randomDescriptor(&random) })
        var descriptors = (0..<candidateCount).map { _ in Self.randomDescriptor(&random) }
        for index in stride(from: 0, to: candidateCount, by: 3) {
            let source = query.descriptors[(index % query.count) * 4..<(index % query.count) * 4 + 4]
            descriptors[index] = source.map { $0 ^ (random.next() & random.next() & random.next() & random.next()) }
        }
        descriptors[candidateCount - 1] = Array(query.descriptors[0..<4])
        if candidateCount > 2 {
            descriptors[1] = query.descriptors[4..<8].map { ~$0 }
            descriptors[candidateCount - 2] = descriptors[0]
        }
        let candidate = Self.features(descriptors)
        let blocks = DescriptorBlocks(candidate, kernel: kernel)
        for index in 0..<query.count {
            for limit in [64, 257] {
                let expected = Self.nearestTwoByEveryPair(query, index, candidate)
                let found = blocks.nearestTwo(to: query, index: index, limit: limit)
                if expected.distance < min(limit, 257) {
                    #expect(found?.index == expected.index, "query \(index), limit \(limit)")
                    #expect(found?.distance == expected.distance)
                    #expect(found?.secondDistance == min(expected.secondDistance, 256))
                } else {
                    #expect(found == nil)
                }
            }
        }
    }

    private static func randomDescriptor(_ random: inout SeededGenerator) -> [UInt64] {
        (0..<4).map { _ in random.next() }
    }

    private static func features(_ descriptors: [[UInt64]]) -> LocalFeatureSet {
        LocalFeatureSet(
            width: 100, height: 100, positions: [Float](repeating: 1, count: descriptors.count * 2), descriptors: descriptors.flatMap { $0 })
    }

    private static func nearestTwoByEveryPair(_ query: LocalFeatureSet, _ index: Int, _ candidate: LocalFeatureSet) -> (index: Int, distance: Int, secondDistance: Int) {
        var first = Int.max, second = Int.max, position = -1
        for j in 0..<candidate.count {
            let distance = (0..<4).reduce(0) { $0 + (query.descriptors[4 * index + $1] ^ candidate.descriptors[4 * j + $1]).nonzeroBitCount }
            if distance < first {
                (second, first, position) = (first, distance, j)
            } else if distance < second {
                second = distance
            }
        }
        return (position, first, second)
    }
}
