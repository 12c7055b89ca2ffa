/// One stored image: what the service keeps instead of the image itself.
public struct ImageRecord: Sendable, Equatable {
    /// Assigned by the backend, increasing, never reused.
    public var id: Int64
    /// Unique within the collection (isctl uses the file's absolute path).
    public var name: String
    /// SHA-256 of the image bytes, lowercase hex: re-adding identical content is a no-op.
    public var contentSHA256: String
    public var metadata: [String: String]
    /// Present when asked for.
    public var vector: [Float]?

    public init(id: Int64, name: String, contentSHA256: String, metadata: [String: String], vector: [Float]?) {
        self.id = id
        self.name = name
        self.contentSHA256 = contentSHA256
        self.metadata = metadata
        self.vector = vector
    }
}
