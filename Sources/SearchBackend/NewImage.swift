import Foundation

/// An image about to be stored: everything but the id, which the backend assigns.
public struct NewImage: Sendable, Equatable {
    public var name: String
    public var contentSHA256: String
    public var metadata: [String: String]
    public var vector: [Float]
    /// The image's local features, serialised (opaque to backends), for verifying search results;
    /// nil when they were not computed.
    public var localFeatures: Data?

    public init(name: String, contentSHA256: String, metadata: [String: String], vector: [Float], localFeatures: Data? = nil) {
        self.name = name
        self.contentSHA256 = contentSHA256
        self.metadata = metadata
        self.vector = vector
        self.localFeatures = localFeatures
    }
}
