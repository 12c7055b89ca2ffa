import SearchBackend

/// Serialises the writes to one collection, so that the checks "is this content already stored?" and
/// "is this name taken?" and the insert that follows them cannot interleave with another request's.
/// Reads go to the backend directly. It also holds the collection's settings, read once at opening.
actor CollectionWriter {
    let name: String
    let backend: any SearchBackend
    private(set) var settings: CollectionSettings

    init(name: String, backend: any SearchBackend, settings: CollectionSettings) {
        self.name = name
        self.backend = backend
        self.settings = settings
    }

    /// Applies `change` to the settings; when that changes them, stores them durably, then uses them.
    func updateSettings(_ change: @Sendable (inout CollectionSettings) -> Void) async throws {
        var changed = settings
        change(&changed)
        guard changed != settings else { return }
        try await backend.save(changed)
        settings = changed
    }

    /// Stores the images that are new, in one durable batch; identical content already stored is
    /// reported unchanged, and an image whose name is taken by other content replaces it.
    func store(_ images: [PreparedImage]) async throws -> [Int: AddOutcome] {
        var outcomes: [Int: AddOutcome] = [:]
        var inserts: [PreparedImage] = []
        var replaced: [Int: Int64] = [:]
        var firstWithHash: [String: Int] = [:]
        for prepared in images {
            let image = prepared.image
            if let existing = try await backend.image(contentSHA256: image.contentSHA256) {
                outcomes[prepared.index] = AddOutcome(status: .unchanged, id: existing.id, name: existing.name)
            } else if firstWithHash[image.contentSHA256] != nil {
                continue  // the same bytes twice in one request: resolved once the first is stored
            } else if inserts.contains(where: { $0.image.name == image.name }) {
                let error = EngineError(.duplicateName, .invalidArgument, "the name '\(image.name)' appears twice in one request with different content")
                outcomes[prepared.index] = .failed(error, name: image.name)
            } else {
                if let old = try await backend.image(name: image.name, includeVector: false) {
                    replaced[prepared.index] = old.id
                }
                firstWithHash[image.contentSHA256] = prepared.index
                inserts.append(prepared)
            }
        }
        if !replaced.isEmpty {
            _ = try await backend.remove(ids: Array(replaced.values))
        }
        let ids = try await backend.insert(inserts.map(\.image))
        var stored: [String: AddOutcome] = [:]
        for (prepared, id) in zip(inserts, ids) {
            let outcome = AddOutcome(status: .added, id: id, name: prepared.image.name, replacedID: replaced[prepared.index])
            outcomes[prepared.index] = outcome
            stored[prepared.image.contentSHA256] = AddOutcome(status: .unchanged, id: id, name: prepared.image.name)
        }
        for prepared in images where outcomes[prepared.index] == nil {
            outcomes[prepared.index] = stored[prepared.image.contentSHA256]
        }
        return outcomes
    }
}
