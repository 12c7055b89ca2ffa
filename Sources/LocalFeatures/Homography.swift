/// A plane-to-plane projective map (3×3, h33 = 1): the geometry relating two photos of a flat or
/// distant scene, and every edit `bench/retrieval` makes (crops, turns, flips, warps, rescaling).
struct Homography {
    /// h11 … h32, row-major; h33 is 1.
    private let h: SIMD8<Float>

    /// The map sending `points.from(i)` to `points.to(i)` for the four `indices`, or nil when the
    /// points are degenerate (three in a line). In closed form, through the unit square: H = Q · P⁻¹,
    /// where P and Q map the square's corners to the two quadrilaterals (Heckbert 1989); P⁻¹ is taken
    /// as its adjugate, the scale being free. Allocation-free and a few dozen operations: RANSAC fits
    /// hundreds per candidate.
    init?(_ points: MatchedPoints, indices: (Int, Int, Int, Int)) {
        let p = Corners(points.from, indices), q = Corners(points.to, indices)
        guard !p.hasThreeInLine, !q.hasThreeInLine, let source = p.fromUnitSquare, let target = q.fromUnitSquare else { return nil }
        let map = target * source.adjugate
        guard abs(map[2][2]) > 1e-12 else { return nil }
        let scale = 1 / map[2][2]
        h = SIMD8<Float>(
            Float(map[0][0] * scale), Float(map[0][1] * scale), Float(map[0][2] * scale),
            Float(map[1][0] * scale), Float(map[1][1] * scale), Float(map[1][2] * scale),
            Float(map[2][0] * scale), Float(map[2][1] * scale))
    }

    /// Where (`x`, `y`) lands; nil when it maps to infinity.
    @inline(__always)
    func apply(_ x: Float, _ y: Float) -> (Float, Float)? {
        let w = h[6] * x + h[7] * y + 1
        guard abs(w) > 1e-8 else { return nil }
        return ((h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w)
    }

    /// `apply` on eight points at once, with the same arithmetic; `isFinite` is false in the lanes
    /// where `apply` gives nil.
    @inline(__always)
    func apply(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> (x: SIMD8<Float>, y: SIMD8<Float>, isFinite: SIMDMask<SIMD8<Int32>>) {
        let w = h[6] * x + h[7] * y + 1
        return ((h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w, w .> 1e-8 .| w .< -1e-8)
    }

    /// Whether the map could be an edit of a photo: it scales areas by between 1/100 and 100 (a
    /// mirror image, with its negative determinant, included).
    var isPlausible: Bool {
        let determinant = abs(h[0] * h[4] - h[1] * h[3])
        return determinant > 0.01 && determinant < 100
    }

    /// Four points of a sample, by coordinate.
    private struct Corners {
        var x = SIMD4<Float>(), y = SIMD4<Float>()

        init(_ point: (Int) -> (Float, Float), _ indices: (Int, Int, Int, Int)) {
            (x[0], y[0]) = point(indices.0)
            (x[1], y[1]) = point(indices.1)
            (x[2], y[2]) = point(indices.2)
            (x[3], y[3]) = point(indices.3)
        }

        /// Whether three of the points are (nearly) in a line, which leaves the map undetermined.
        var hasThreeInLine: Bool {
            func area(_ i: Int, _ j: Int, _ k: Int) -> Float {
                abs((x[j] - x[i]) * (y[k] - y[i]) - (y[j] - y[i]) * (x[k] - x[i]))
            }
            return area(0, 1, 2) < 1 || area(0, 1, 3) < 1 || area(0, 2, 3) < 1 || area(1, 2, 3) < 1
        }

        /// The map sending the unit square's corners (0, 0), (1, 0), (1, 1), (0, 1) to these four
        /// points, in order; nil when it has no inverse.
        var fromUnitSquare: Matrix3? {
            let (x0, x1, x2, x3) = (Double(x[0]), Double(x[1]), Double(x[2]), Double(x[3]))
            let (y0, y1, y2, y3) = (Double(y[0]), Double(y[1]), Double(y[2]), Double(y[3]))
            let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3)
            let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3)
            let determinant = dx1 * dy2 - dx2 * dy1
            guard abs(determinant) > 1e-12 else { return nil }
            let g = (dx3 * dy2 - dx2 * dy3) / determinant, h = (dx1 * dy3 - dx3 * dy1) / determinant
            return Matrix3(SIMD3(x1 - x0 + g * x1, x3 - x0 + h * x3, x0), SIMD3(y1 - y0 + g * y1, y3 - y0 + h * y3, y0), SIMD3(g, h, 1))
        }
    }
}
