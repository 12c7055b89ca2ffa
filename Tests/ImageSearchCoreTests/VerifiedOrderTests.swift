import ImageSearchCore
import SearchBackend
import Testing

/// Checked candidates are ordered by inliers weighed against distance, verified or not.
@Suite struct VerifiedOrderTests {
    private func hits(_ candidates: [(distance: Float, inliers: Int?)]) -> [SearchHit] {
        candidates.enumerated().map { SearchHit(id: Int64($0.offset), name: "\($0.offset)", distance: $0.element.distance, metadata: [:], inliers: $0.element.inliers) }
    }

    @Test func aClearlyNearerCandidateBeatsAFewMoreInliers() {
        // Median distance 0.85: 0.3 vs 0.9 is worth e^(3 × 0.6 / 0.85) ≈ 8.3 times the inliers.
        let ordered = VerifiedOrder.ordered(hits([(0.3, 60), (0.8, 5), (0.85, nil), (0.9, 80), (0.95, 3)]))
        #expect(ordered.map(\.id) == [0, 3, 1, 4, 2])
    }

    @Test func manyMoreInliersBeatASmallDistanceLead() {
        let ordered = VerifiedOrder.ordered(hits([(0.5, 20), (0.6, 400), (0.7, 2)]))
        #expect(ordered.map(\.id) == [1, 0, 2])
    }

    /// A turned chessboard's copy explains few matches, yet at half the distance of the other camera's
    /// view of the board (which verifies by chance) it comes first; without features or a match, a
    /// candidate counts one inlier, and equal scores keep their order.
    @Test func aMuchNearerCandidateBeatsAChanceVerificationThoughUnverified() {
        let ordered = VerifiedOrder.ordered(hits([(0.23, 7), (0.45, 14), (0.5, 0), (0.5, nil), (0.55, 12), (0.6, 1)]))
        #expect(ordered.map(\.id) == [0, 1, 4, 2, 3, 5])
    }

    /// Negated inner products have no scale to weigh: inliers alone order the verified ones.
    @Test func negativeDistancesLeaveTheOrderToInliers() {
        let ordered = VerifiedOrder.ordered(hits([(-0.9, 30), (-0.2, 40), (-0.1, 5)]))
        #expect(ordered.map(\.id) == [1, 0, 2])
    }
}
