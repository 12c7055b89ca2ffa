import SearchBackend
import TestSupport
import Testing

/// Checks a backend's answer against `BruteForce`, allowing for float rounding and for ties.
enum SearchExpectations {
    /// The answer is a correct top-k: the i-th hit is as near as the i-th true neighbour, and each hit
    /// reports its true distance.
    static func expectExact(
        _ hits: [SearchHit], reference: [BruteForce.Hit], items: [Int64: [Float]], query: [Float], metric: Metric,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(hits.count == reference.count, sourceLocation: sourceLocation)
        for (hit, expected) in zip(hits, reference) {
            #expect(close(Double(hit.distance), expected.distance), "rank distance \(hit.distance) vs \(expected.distance)", sourceLocation: sourceLocation)
            let truth = BruteForce.distance(query, items[hit.id] ?? [], metric: metric)
            #expect(close(Double(hit.distance), truth), "hit \(hit.id) reports \(hit.distance), true distance \(truth)", sourceLocation: sourceLocation)
        }
    }

    /// The fraction of the true `k` nearest that `hits` found.
    static func recall(_ hits: [SearchHit], reference: [BruteForce.Hit], k: Int) -> Double {
        let truth = Set(reference.prefix(k).map(\.id))
        return Double(hits.prefix(k).filter { truth.contains($0.id) }.count) / Double(k)
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-3 * max(1, abs(b))
    }
}
