/// What an in-memory index answers: an id and its reported distance (see `Metric`). The backend adds
/// name and metadata from the record store.
struct IndexHit: Sendable, Equatable {
    var id: Int64
    var distance: Float
}
