/// A 3×3 matrix of doubles by rows, with the two operations a four-point homography needs. Plain
/// values, no allocation.
struct Matrix3 {
    let rows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

    init(_ row0: SIMD3<Double>, _ row1: SIMD3<Double>, _ row2: SIMD3<Double>) {
        rows = (row0, row1, row2)
    }

    subscript(row: Int) -> SIMD3<Double> {
        switch row {
        case 0: rows.0
        case 1: rows.1
        default: rows.2
        }
    }

    /// The transposed cofactors: the inverse times the determinant, defined for any matrix.
    var adjugate: Matrix3 {
        let (a, b, c) = rows
        // The cofactor rows are the cross products of pairs of rows; transposed, they are columns.
        let (c0, c1, c2) = (cross(b, c), cross(c, a), cross(a, b))
        return Matrix3(SIMD3(c0.x, c1.x, c2.x), SIMD3(c0.y, c1.y, c2.y), SIMD3(c0.z, c1.z, c2.z))
    }

    static func * (left: Matrix3, right: Matrix3) -> Matrix3 {
        func times(_ row: SIMD3<Double>) -> SIMD3<Double> { row.x * right[0] + row.y * right[1] + row.z * right[2] }
        return Matrix3(times(left[0]), times(left[1]), times(left[2]))
    }

    private func cross(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
    }
}
