import SearchBackend

/// The reference the indices are checked against: every distance computed in double precision,
/// straight from the definitions in `Metric`.
enum BruteForce {
    struct Hit {
        var id: Int64
        var distance: Double
    }

    static func distance(_ a: [Float], _ b: [Float], metric: Metric) -> Double {
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

    /// All items by distance to `query`, nearest first.
    static func ranked(_ query: [Float], among items: [Int64: [Float]], metric: Metric) -> [Hit] {
        items.map { Hit(id: $0.key, distance: distance(query, $0.value, metric: metric)) }.sorted { $0.distance < $1.distance }
    }
}
