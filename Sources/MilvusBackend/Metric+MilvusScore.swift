import SearchBackend

extension Metric {
    /// The distance `SearchBackend` reports for a score Milvus returned: Milvus gives the squared
    /// Euclidean distance for L2, the similarity itself for COSINE and IP.
    func distance(milvusScore score: Float) -> Float {
        switch self {
        case .l2: max(score, 0).squareRoot()
        case .cosine: 1 - score
        case .innerProduct: -score
        }
    }
}
