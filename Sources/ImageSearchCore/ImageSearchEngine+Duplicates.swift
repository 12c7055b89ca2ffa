import LocalFeatures
import SearchBackend

extension ImageSearchEngine {
    /// Images checked between two `progress` reports.
    static let duplicateProgressInterval = 32

    /// The groups of stored images that show the same scene: each image is searched for with its
    /// stored vector and local features (as `search(.id(…), verify: true)` does), and each of its
    /// `verificationCandidates` nearest images with at least `minInliers` inliers (default: the
    /// verified threshold, `GeometricVerifier.verifiedInliers`) joins its group;
    /// groups chain (a ~ b and b ~ c put all three together). Images without local features (added
    /// while verification was off) are not grouped. `progress` hears (checked, total) now and then.
    public func duplicateGroups(
        in collection: String = "", minInliers: Int? = nil,
        progress: @Sendable (Int, Int) async throws -> Void = { _, _ in }
    ) async throws -> [DuplicateGroup] {
        let minInliers = minInliers ?? GeometricVerifier.verifiedInliers
        let backend = try await self.collection(collection).backend
        let total = try await backend.statistics().count
        var sets = DisjointSets(), names: [Int64: String] = [:], checked = 0, after = Int64.min
        while true {
            let page = try await backend.ids(after: after, limit: 256)
            guard let last = page.last else { break }
            for id in page {
                for hit in try await verifiedNeighbours(of: id, in: backend) {
                    names[hit.id] = hit.name
                    if hit.id != id, hit.inliers ?? 0 >= minInliers { sets.union(id, hit.id) }
                }
                checked += 1
                if checked % Self.duplicateProgressInterval == 0 { try await progress(checked, total) }
            }
            after = last
        }
        try await progress(checked, total)
        return sets.groups.map { ids in DuplicateGroup(members: ids.map { DuplicateGroup.Member(id: $0, name: names[$0] ?? "") }) }
    }

    /// The nearest images to stored image `id`: itself (for its name), then the others verified
    /// against its stored features (itself left out, so that it does not count as a verified match,
    /// which would limit the mirrored features to the nearest few); none when it has no features or
    /// was removed meanwhile.
    private func verifiedNeighbours(of id: Int64, in backend: any SearchBackend) async throws -> [SearchHit] {
        let query: EncodedQuery
        do {
            query = try await storedQuery(.id(id), localFeatures: true, backend: backend)
        } catch let error as EngineError where error.code == .notFound {
            return []
        }
        guard let features = query.localFeatures else { return [] }
        let hits = try await nearest(query.vectors, in: backend, topK: configuration.verificationCandidates + 1, maxDistance: nil)
        let others = hits.filter { $0.id != id }
        return hits.filter { $0.id == id } + (try await withInliers(others, against: features, in: backend))
    }
}
