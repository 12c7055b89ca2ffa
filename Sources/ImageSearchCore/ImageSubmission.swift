import Foundation

/// An image a client wants stored.
public struct ImageSubmission: Sendable {
    /// The encoded image (JPEG, PNG or WebP).
    public var data: Data
    /// Unique within the collection; empty means "name it after its content" (`sha256:<hex>`).
    public var name: String
    public var metadata: [String: String]

    public init(data: Data, name: String = "", metadata: [String: String] = [:]) {
        self.data = data
        self.name = name
        self.metadata = metadata
    }
}
