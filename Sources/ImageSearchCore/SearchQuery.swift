import Foundation

/// What to search with.
public enum SearchQuery: Sendable {
    /// An encoded image, embedded on the way.
    case image(Data)
    /// A stored image, by id or name: its stored vector is the query (no re-encoding).
    case id(Int64)
    case name(String)
    /// A vector of the model's dimension.
    case vector([Float])
}
