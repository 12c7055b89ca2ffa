/// A straight edge between fill and photo, fitted to where the fill runs from one edge of the frame
/// end: a point on it and its direction, in pixel-centre coordinates (pixel (i, j) at (i, j)).
struct BoundaryLine {
    let point: (x: Double, y: Double)
    let direction: (x: Double, y: Double)

    /// Ends of runs that reach more than this inward of the line are left out of the next fit.
    static let inwardSlack = 1.5
    static let refits = 5
    static let minimumSamples = 8

    /// The line v = a + b·t through samples (t, v): by least squares, refitted a few times without the
    /// samples that lie more than `inwardSlack` past it in the `inward` direction (+1 or −1): photo
    /// pixels of the fill's colour lengthen a run, and nothing shortens one. `alongX` says whether t
    /// is x (v is then y) or y. Nil with too few samples left.
    init?(samples: [(t: Double, v: Double)], inward: Double, alongX: Bool) {
        var kept = samples
        var fitted: (a: Double, b: Double)?
        for _ in 0..<Self.refits {
            guard kept.count >= Self.minimumSamples, let line = Self.leastSquares(kept) else { return nil }
            fitted = line
            kept = samples.filter { inward * ($0.v - (line.a + line.b * $0.t)) <= Self.inwardSlack }
        }
        guard let (a, b) = fitted else { return nil }
        point = alongX ? (0, a) : (a, 0)
        direction = alongX ? (1, b) : (b, 1)
    }

    /// Where this line meets `other`; nil when they are parallel.
    func intersection(with other: BoundaryLine) -> (x: Double, y: Double)? {
        let determinant = direction.x * -other.direction.y + other.direction.x * direction.y
        guard abs(determinant) > 1e-9 else { return nil }
        let (dx, dy) = (other.point.x - point.x, other.point.y - point.y)
        let s = (dx * -other.direction.y + other.direction.x * dy) / determinant
        return (point.x + s * direction.x, point.y + s * direction.y)
    }

    private static func leastSquares(_ samples: [(t: Double, v: Double)]) -> (a: Double, b: Double)? {
        let n = Double(samples.count)
        let meanT = samples.reduce(0) { $0 + $1.t } / n, meanV = samples.reduce(0) { $0 + $1.v } / n
        let covariance = samples.reduce(0) { $0 + ($1.t - meanT) * ($1.v - meanV) }
        let variance = samples.reduce(0) { $0 + ($1.t - meanT) * ($1.t - meanT) }
        guard variance > 0 else { return nil }
        let b = covariance / variance
        return (meanV - b * meanT, b)
    }
}
