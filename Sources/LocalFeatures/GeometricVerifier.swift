import Foundation
import Parallelism
import SeededRandom
import Synchronization

/// Decides whether a candidate shows the query's scene: local features are matched by descriptor,
/// and a homography is fitted to the matches by RANSAC. The number of matches it explains (inliers)
/// is the verified score: unrelated images rarely explain more than a handful by chance.
public struct GeometricVerifier: Sendable {
    /// A match's descriptor distance must be below this (of 256 bits)…
    static let maxMatchDistance = 64
    /// …and below this fraction of the second-best candidate's (Lowe's ratio test).
    static let ratio: Float = 0.8
    static let iterations = 400
    /// A match is an inlier when the homography lands it within this fraction of the candidate's
    /// longer side (at least 3 px).
    static let inlierTolerance: Float = 0.012

    /// Inliers from which a candidate counts as showing the query's scene (measured with
    /// bench/retrieval: chance matches between different photos stay below it).
    public static let verifiedInliers = 12

    public init() {}

    /// Candidates (nearest first) a later query set is always tried on; see `matches(query:stored:)`.
    static let candidatesAlwaysTried = 5

    /// For each candidate, the match of the `query` set with the most inliers; nil for a candidate
    /// without features. The candidates come as stored (`StoredLocalFeatures.serialized()`), and
    /// are decoded and laid out for the descriptor scan on the threads that check them (one after
    /// the other, 40 candidates took 0.3 ms before any matching began). The sets are alternatives
    /// tried in order (an image as it is, then mirrored). Once a candidate is verified, a later set
    /// is tried only on the first `candidatesAlwaysTried` candidates: that nearly halves the work in
    /// the usual case of a query whose source is stored as it is, and a mirrored copy's source is
    /// still found, since the embedding puts it near the top (bench/retrieval: hflip R@1 0.973 when
    /// skipping the later set entirely, 1.0 with this). Candidates are checked on all cores.
    public func matches(query: [LocalFeatureSet], stored candidates: [Data?]) -> [GeometricMatch?] {
        var found = [GeometricMatch?](repeating: nil, count: candidates.count)
        let prepared = Mutex([PreparedCandidate?](repeating: nil, count: candidates.count))
        /// Candidate `index`, decoded by the first set's check and kept for the later sets' (the first
        /// set is tried on every candidate, as none is verified before it).
        @Sendable func candidate(_ index: Int, isFirstSet: Bool) -> PreparedCandidate? {
            guard isFirstSet else { return prepared.withLock { $0[index] } }
            let candidate = candidates[index].flatMap(PreparedCandidate.init(serialized:))
            prepared.withLock { $0[index] = candidate }
            return candidate
        }
        for (number, set) in query.enumerated() {
            let isVerified = found.contains { ($0?.inliers ?? 0) >= Self.verifiedInliers }
            let tried = isVerified ? min(candidates.count, Self.candidatesAlwaysTried) : candidates.count
            let best = Mutex(found)
            WorkerThreads.shared.perform(iterations: tried) { index in
                guard let candidate = candidate(index, isFirstSet: number == 0) else { return }
                let match = self.match(query: set, candidate: candidate.features, blocks: candidate.blocks)
                best.withLock { if match.inliers > $0[index]?.inliers ?? -1 { $0[index] = match } }
            }
            found = best.withLock { $0 }
        }
        return found
    }

    /// A candidate's features decoded from storage, with its descriptors laid out for the scan
    /// (once for all query sets).
    private struct PreparedCandidate: Sendable {
        let features: LocalFeatureSet
        let blocks: DescriptorBlocks

        init?(serialized: Data) {
            guard let features = StoredLocalFeatures.asIs(serialized: serialized) else { return nil }
            self.features = features
            blocks = DescriptorBlocks(features)
        }
    }

    /// The best homography's match between the two sets (0 inliers when under 5 match at all).
    public func match(query: LocalFeatureSet, candidate: LocalFeatureSet) -> GeometricMatch {
        match(query: query, candidate: candidate, blocks: DescriptorBlocks(candidate))
    }

    /// The same, with the candidate's descriptors already laid out (once for all query sets).
    private func match(query: LocalFeatureSet, candidate: LocalFeatureSet, blocks: DescriptorBlocks) -> GeometricMatch {
        let pairs = descriptorMatches(query, blocks)
        guard pairs.count >= 5 else { return GeometricMatch(inliers: 0, isUpright: false) }
        let points = MatchedPoints(query: query, candidate: candidate, pairs: pairs)
        let tolerance = max(3, Self.inlierTolerance * Float(max(candidate.width, candidate.height)))
        let (inliers, homography) = bestFit(points, tolerance: tolerance)
        return GeometricMatch(inliers: inliers, isUpright: homography.map { Self.keepsUpright($0, query: query) } ?? false)
    }

    /// Whether `homography` turns the query's horizontal through its centre by less than 45°.
    private static func keepsUpright(_ homography: Homography, query: LocalFeatureSet) -> Bool {
        let (x, y) = (Float(query.width) / 2, Float(query.height) / 2)
        guard let start = homography.apply(x, y), let end = homography.apply(x + Float(query.width) / 10, y) else { return false }
        let (dx, dy) = (end.0 - start.0, end.1 - start.1)
        return dx > abs(dy)
    }

    /// (query index, candidate index) of each accepted match, at most one per candidate keypoint.
    private func descriptorMatches(_ query: LocalFeatureSet, _ blocks: DescriptorBlocks) -> [(Int, Int)] {
        var best = [(query: Int, distance: Int)](repeating: (-1, .max), count: blocks.count)
        for i in 0..<query.count {
            guard let nearest = blocks.nearestTwo(to: query, index: i, limit: Self.maxMatchDistance),
                Float(nearest.distance) < Self.ratio * Float(nearest.secondDistance)
            else { continue }
            if nearest.distance < best[nearest.index].distance { best[nearest.index] = (i, nearest.distance) }
        }
        return best.indices.filter { best[$0].query >= 0 }.map { (best[$0].query, $0) }.sorted { $0.0 < $1.0 }
    }

    /// RANSAC with a fixed seed (the same pair always gets the same score): the most inliers one
    /// homography explains (0 under 5), and that homography.
    private func bestFit(_ points: MatchedPoints, tolerance: Float) -> (Int, Homography?) {
        var random = SplitMix64(seed: UInt64(points.count) &* 0x2545_F491_4F6C_DD1D)
        var best = 0
        var bestHomography: Homography?
        var iterations = Self.iterations
        var iteration = 0
        while iteration < iterations {
            iteration += 1
            let sample = Self.distinctIndices(below: points.count, using: &random)
            guard let homography = Homography(points, indices: sample), homography.isPlausible else { continue }
            let count = points.inlierCount(homography, tolerance: tolerance, toBeat: best)
            if count > best {
                best = count
                bestHomography = homography
                iterations = min(iterations, Self.iterationsNeeded(inlierFraction: Float(count) / Float(points.count)))
            }
        }
        return best >= 5 ? (best, bestHomography) : (0, nil)
    }

    /// Samples enough that an all-inlier sample is drawn with probability 0.999.
    private static func iterationsNeeded(inlierFraction: Float) -> Int {
        let allInliers = pow(Double(inlierFraction), 4)
        guard allInliers > 1e-9, allInliers < 1 else { return allInliers >= 1 ? 1 : iterations }
        return Int((log(0.001) / log(1 - allInliers)).rounded(.up))
    }

    /// Four different indices below `limit` (at least 4).
    private static func distinctIndices(below limit: Int, using random: inout SplitMix64) -> (Int, Int, Int, Int) {
        func draw() -> Int { Int(random.next() % UInt64(limit)) }
        let a = draw()
        var b = draw()
        while b == a { b = draw() }
        var c = draw()
        while c == a || c == b { c = draw() }
        var d = draw()
        while d == a || d == b || d == c { d = draw() }
        return (a, b, c, d)
    }
}
