/// An image about to be stored: everything but the id, which the backend assigns.
public struct NewImage: Sendable, Equatable {
    public var name: String
    public var contentSHA256: String
    public var metadata: [String: String]
    public var vector: [Float]

    public init(name: String, contentSHA256: String, metadata: [String: String], vector: [Float]) {
        self.name = name
        self.contentSHA256 = contentSHA256
        self.metadata = metadata
        self.vector = vector
    }
}
