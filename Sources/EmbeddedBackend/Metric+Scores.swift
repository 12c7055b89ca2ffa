import SearchBackend

/// The indices rank by a *score*, smaller meaning nearer, that is cheaper than the reported distance:
/// the squared Euclidean distance for `L2` (no square root per candidate), and the distance itself for
/// `IP` (−q·x) and `COSINE` (1 − q·x on unit vectors).
extension Metric {
    /// Cosine similarity is the inner product of unit vectors, so `COSINE` stores and queries
    /// normalised copies and needs no norms at search time.
    var normalizesVectors: Bool { self == .cosine }

    /// The stored (or query) form of `vector` under this metric.
    func prepared(_ vector: [Float]) -> [Float] {
        normalizesVectors ? VectorKernels.normalized(vector) : vector
    }

    func distance(forScore score: Float) -> Float {
        self == .l2 ? max(score, 0).squareRoot() : score
    }

    /// The largest score within `distance`; a negative L2 distance admits nothing.
    func score(forDistance distance: Float) -> Float {
        guard self == .l2 else { return distance }
        return distance < 0 ? -.infinity : distance * distance
    }

    /// The score of a stored vector `b` for the query `a`, both in prepared form.
    @inline(__always)
    func score(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension: Int) -> Float {
        switch self {
        case .l2: VectorKernels.squaredDistance(a, b, count: dimension)
        case .innerProduct: -VectorKernels.dot(a, b, count: dimension)
        case .cosine: 1 - VectorKernels.dot(a, b, count: dimension)
        }
    }

    /// A FLAT scan's score of a row from its dot product with the query: for `L2` ‖x‖² − 2 q·x, the
    /// squared distance less the ‖q‖² that every row shares.
    @inline(__always)
    func scanScore(dot: Float, squaredNorm: Float) -> Float {
        switch self {
        case .l2: squaredNorm - 2 * dot
        case .innerProduct: -dot
        case .cosine: 1 - dot
        }
    }
}
