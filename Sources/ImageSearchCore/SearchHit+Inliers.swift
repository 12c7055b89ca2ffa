import SearchBackend

extension SearchHit {
    /// This hit with `inliers` as its verified score (nil: not checked, or no local features stored).
    func with(inliers: Int?) -> SearchHit {
        var hit = self
        hit.inliers = inliers
        return hit
    }
}
