import SearchBackend

/// Figures about the daemon and one collection.
public struct EngineStatistics: Sendable {
    public var backend: BackendStatistics
    public var model: ModelIdentity
    public var residentMemoryBytes: Int
    public var uptimeSeconds: Double
    /// Images run through the network since start: lets tests prove a restart re-encodes nothing.
    public var imagesEncoded: Int
    public var collections: [String]
    /// Whether the collection's searches verify when a request does not say.
    public var verify: Bool
}
