/// What became of one submitted image.
public struct AddOutcome: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        /// Stored now (and durable).
        case added
        /// Identical content was already stored, perhaps under another name; nothing changed.
        case unchanged
        case failed(EngineError)
    }

    public var status: Status
    /// The stored image's id and name (for `unchanged`, the existing image's).
    public var id: Int64
    public var name: String
    /// For `added`: the image with the same name and other content that this one replaced.
    public var replacedID: Int64?

    public init(status: Status, id: Int64 = 0, name: String, replacedID: Int64? = nil) {
        self.status = status
        self.id = id
        self.name = name
        self.replacedID = replacedID
    }

    static func failed(_ error: EngineError, name: String) -> AddOutcome {
        AddOutcome(status: .failed(error), name: name)
    }
}
