import SearchBackend

/// A submitted image that decoded and has its vector, on its way to the store.
struct PreparedImage: Sendable {
    /// Position in the request.
    let index: Int
    let image: NewImage
}
