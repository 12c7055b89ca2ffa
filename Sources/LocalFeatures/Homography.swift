/// A plane-to-plane projective map (3×3, h33 = 1): the geometry relating two photos of a flat or
/// distant scene, and every edit `bench/retrieval` makes (crops, turns, flips, warps, rescaling).
struct Homography {
    /// h11 … h32, row-major; h33 is 1.
    private let h: SIMD8<Float>

    /// The map sending `from[i]` to `to[i]` for the four `indices` (Hartley-normalised DLT), or nil
    /// when the points are degenerate (three in a line). Allocation-free: RANSAC fits hundreds.
    init?(from: [(Float, Float)], to: [(Float, Float)], indices: (Int, Int, Int, Int)) {
        let p = Corners(from, indices), q = Corners(to, indices)
        guard !p.hasThreeInLine, !q.hasThreeInLine else { return nil }
        let (pShift, pScale) = p.normalization, (qShift, qScale) = q.normalization
        var solution = SIMD8<Double>()
        let solved = withUnsafeTemporaryAllocation(of: Double.self, capacity: 72) { rows -> Bool in
            for i in 0..<4 {
                let px = Double((p.x[i] - pShift.0) * pScale), py = Double((p.y[i] - pShift.1) * pScale)
                let qx = Double((q.x[i] - qShift.0) * qScale), qy = Double((q.y[i] - qShift.1) * qScale)
                let first = 18 * i, second = first + 9
                (rows[first], rows[first + 1], rows[first + 2], rows[first + 3], rows[first + 4]) = (px, py, 1, 0, 0)
                (rows[first + 5], rows[first + 6], rows[first + 7], rows[first + 8]) = (0, -qx * px, -qx * py, qx)
                (rows[second], rows[second + 1], rows[second + 2], rows[second + 3], rows[second + 4]) = (0, 0, 0, px, py)
                (rows[second + 5], rows[second + 6], rows[second + 7], rows[second + 8]) = (1, -qy * px, -qy * py, qy)
            }
            return Self.solve(rows, into: &solution)
        }
        guard solved else { return nil }
        // Undo the normalisations: H = T_q⁻¹ · N · T_p, with T(x) = s·(x − c).
        let a = Double(pScale), b = Double(qScale)
        let px = Double(pShift.0), py = Double(pShift.1), qx = Double(qShift.0), qy = Double(qShift.1)
        let n = solution
        // N · T_p, row by row (third column folds the shift).
        let r0 = (a * n[0], a * n[1], n[2] - a * (n[0] * px + n[1] * py))
        let r1 = (a * n[3], a * n[4], n[5] - a * (n[3] * px + n[4] * py))
        let r2 = (a * n[6], a * n[7], 1 - a * (n[6] * px + n[7] * py))
        // T_q⁻¹ · that: row0/b + qx·row2, row1/b + qy·row2, row2.
        guard abs(r2.2) > 1e-12 else { return nil }
        let scale = 1 / r2.2
        h = SIMD8<Float>(
            Float((r0.0 / b + qx * r2.0) * scale), Float((r0.1 / b + qx * r2.1) * scale), Float((r0.2 / b + qx * r2.2) * scale),
            Float((r1.0 / b + qy * r2.0) * scale), Float((r1.1 / b + qy * r2.1) * scale), Float((r1.2 / b + qy * r2.2) * scale),
            Float(r2.0 * scale), Float(r2.1 * scale))
    }

    /// Where (`x`, `y`) lands; nil when it maps to infinity.
    @inline(__always)
    func apply(_ x: Float, _ y: Float) -> (Float, Float)? {
        let w = h[6] * x + h[7] * y + 1
        guard abs(w) > 1e-8 else { return nil }
        return ((h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w)
    }

    /// Whether the map could be an edit of a photo: it scales areas by between 1/100 and 100 (a
    /// mirror image, with its negative determinant, included).
    var isPlausible: Bool {
        let determinant = abs(h[0] * h[4] - h[1] * h[3])
        return determinant > 0.01 && determinant < 100
    }

    /// Solves the 8×9 augmented system (row-major) by Gauss-Jordan elimination with partial pivoting.
    private static func solve(_ rows: UnsafeMutableBufferPointer<Double>, into solution: inout SIMD8<Double>) -> Bool {
        for column in 0..<8 {
            var pivot = column
            for row in (column + 1)..<8 where abs(rows[9 * row + column]) > abs(rows[9 * pivot + column]) { pivot = row }
            guard abs(rows[9 * pivot + column]) > 1e-10 else { return false }
            if pivot != column { for k in 0..<9 { rows.swapAt(9 * column + k, 9 * pivot + k) } }
            for row in 0..<8 where row != column {
                let factor = rows[9 * row + column] / rows[9 * column + column]
                if factor != 0 { for k in column..<9 { rows[9 * row + k] -= factor * rows[9 * column + k] } }
            }
        }
        for row in 0..<8 { solution[row] = rows[9 * row + 8] / rows[9 * row + row] }
        return true
    }

    /// Four points of a sample, by coordinate.
    private struct Corners {
        var x = SIMD4<Float>(), y = SIMD4<Float>()

        init(_ points: [(Float, Float)], _ indices: (Int, Int, Int, Int)) {
            (x[0], y[0]) = points[indices.0]
            (x[1], y[1]) = points[indices.1]
            (x[2], y[2]) = points[indices.2]
            (x[3], y[3]) = points[indices.3]
        }

        /// Whether three of the points are (nearly) in a line, which leaves the map undetermined.
        var hasThreeInLine: Bool {
            func area(_ i: Int, _ j: Int, _ k: Int) -> Float {
                abs((x[j] - x[i]) * (y[k] - y[i]) - (y[j] - y[i]) * (x[k] - x[i]))
            }
            return area(0, 1, 2) < 1 || area(0, 1, 3) < 1 || area(0, 2, 3) < 1 || area(1, 2, 3) < 1
        }

        /// Shift to the centroid and scale to a mean distance of √2 from it.
        var normalization: ((Float, Float), Float) {
            let cx = x.sum() / 4, cy = y.sum() / 4
            let dx = x - cx, dy = y - cy
            let mean = (dx * dx + dy * dy).squareRoot().sum() / 4
            return ((cx, cy), mean > 0 ? Float(2).squareRoot() / mean : 1)
        }
    }
}
