import SearchBackend

/// The reference both backends' searches are checked against: every distance in double precision,
/// straight from the definitions in `Metric`.
public enum BruteForce {
    public struct Hit: Sendable {
        public var id: Int64
        public var distance: Double
    }

    public static func distance(_ a: [Float], _ b: [Float], metric: Metric) -> Double {
        var dot = 0.0, squaredA = 0.0, squaredB = 0.0, squaredDifference = 0.0
        for (x, y) in zip(a, b) {
            let x = Double(x), y = Double(y)
            dot += x * y
            squaredA += x * x
            squaredB += y * y
            squaredDifference += (x - y) * (x - y)
        }
        switch metric {
        case .l2: return squaredDifference.squareRoot()
        case .innerProduct: return -dot
        case .cosine: return 1 - dot / (squaredA.squareRoot() * squaredB.squareRoot())
        }
    }

    /// Every id's distance to `query`.
    public static func distances(_ query: [Float], to items: [Int64: [Float]], metric: Metric) -> [Int64: Double] {
        items.mapValues { distance(query, $0, metric: metric) }
    }

    /// All items by distance to `query`, nearest first.
    public static func ranked(_ query: [Float], among items: [Int64: [Float]], metric: Metric) -> [Hit] {
        items.map { Hit(id: $0.key, distance: distance(query, $0.value, metric: metric)) }.sorted { $0.distance < $1.distance }
    }

    /// Whether `value` is within 1e-3 of `reference`, relative (absolute below 1).
    public static func isClose(_ value: Double, _ reference: Double) -> Bool {
        abs(value - reference) <= 1e-3 * max(abs(reference), 1)
    }
}
