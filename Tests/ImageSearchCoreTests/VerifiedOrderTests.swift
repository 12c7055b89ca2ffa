import ImageSearchCore
import SearchBackend
import Testing

/// Verified candidates come first, by inliers weighed against distance; the others keep their order.
@Suite struct VerifiedOrderTests {
    private func hits(_ candidates: [(distance: Float, inliers: Int?)]) -> [SearchHit] {
        candidates.enumerated().map { SearchHit(id: Int64($0.offset), name: "\($0.offset)", distance: $0.element.distance, metadata: [:], inliers: $0.element.inliers) }
    }

    @Test func aClearlyNearerCandidateBeatsAFewMoreInliers() {
        // Median distance 0.8: 0.3 vs 0.9 is worth e^(3 × 0.75) ≈ 9.5 times the inliers.
        let ordered = VerifiedOrder.ordered(hits([(0.3, 60), (0.8, 5), (0.85, nil), (0.9, 80), (0.95, 3)]))
        #expect(ordered.map(\.id) == [0, 3, 1, 2, 4])
    }

    @Test func manyMoreInliersBeatASmallDistanceLead() {
        let ordered = VerifiedOrder.ordered(hits([(0.5, 20), (0.6, 400), (0.7, 2)]))
        #expect(ordered.map(\.id) == [1, 0, 2])
    }

    @Test func unverifiedCandidatesKeepTheirOrderAfterTheVerified() {
        let ordered = VerifiedOrder.ordered(hits([(0.1, 11), (0.2, nil), (0.3, 12), (0.4, 0)]))
        #expect(ordered.map(\.id) == [2, 0, 1, 3])
    }

    /// Negated inner products have no scale to weigh: inliers alone order the verified ones.
    @Test func negativeDistancesLeaveTheOrderToInliers() {
        let ordered = VerifiedOrder.ordered(hits([(-0.9, 30), (-0.2, 40), (-0.1, 5)]))
        #expect(ordered.map(\.id) == [1, 0, 2])
    }
}
