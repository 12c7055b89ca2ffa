/// The positions of matched keypoints, in the query (`from`) and in the candidate (`to`), stored by
/// coordinate: RANSAC counts the inliers of hundreds of homographies over all of them, and this
/// layout lets it test eight pairs at a time.
struct MatchedPoints {
    let count: Int
    /// Padded to whole `SIMD8`s with NaN, which never lands within a tolerance.
    private let fromX: [Float], fromY: [Float], toX: [Float], toY: [Float]

    /// The keypoints of each (query index, candidate index) of `pairs`.
    init(query: LocalFeatureSet, candidate: LocalFeatureSet, pairs: [(Int, Int)]) {
        count = pairs.count
        let padding = [Float](repeating: .nan, count: (count + 7) / 8 * 8 - count)
        fromX = pairs.map { query.positions[2 * $0.0] } + padding
        fromY = pairs.map { query.positions[2 * $0.0 + 1] } + padding
        toX = pairs.map { candidate.positions[2 * $0.1] } + padding
        toY = pairs.map { candidate.positions[2 * $0.1 + 1] } + padding
    }

    func from(_ index: Int) -> (Float, Float) { (fromX[index], fromY[index]) }
    func to(_ index: Int) -> (Float, Float) { (toX[index], toY[index]) }

    /// How many pairs `homography` maps to within `tolerance` of their match: the same count as
    /// testing them one by one with `Homography.apply`. Stops once the count cannot exceed `best`,
    /// and then returns at most `best`: RANSAC keeps only a count above the best so far.
    func inlierCount(_ homography: Homography, tolerance: Float, toBeat best: Int) -> Int {
        let limit = tolerance * tolerance
        var found = SIMD8<Int32>.zero
        for start in stride(from: 0, to: fromX.count, by: 8) {
            let (mappedX, mappedY, isFinite) = homography.apply(Self.lanes(fromX, start), Self.lanes(fromY, start))
            let dx = mappedX - Self.lanes(toX, start), dy = mappedY - Self.lanes(toY, start)
            found.replace(with: found &+ 1, where: isFinite .& (dx * dx + dy * dy .<= limit))
            let inliers = Int(found.wrappedSum())
            if inliers + count(after: start + 8) <= best { return inliers }
        }
        return Int(found.wrappedSum())
    }

    /// How many pairs follow the first `index`.
    private func count(after index: Int) -> Int { max(count - index, 0) }

    @inline(__always)
    private static func lanes(_ values: [Float], _ start: Int) -> SIMD8<Float> {
        values.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start * MemoryLayout<Float>.stride, as: SIMD8<Float>.self) }
    }
}
