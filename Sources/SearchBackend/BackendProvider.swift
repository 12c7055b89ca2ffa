/// Opens collections of one kind of backend. A collection is created on first open and bound to the
/// model that created it; opening it with another model fails with `modelMismatch`.
public protocol BackendProvider: Sendable {
    func open(collection: String, model: ModelIdentity, index: IndexSpec) async throws -> any SearchBackend

    /// The model `collection` is bound to; nil while it does not exist. Lets a daemon that is not told
    /// which embedding recipe to use keep the one its data was made with.
    func recordedModel(of collection: String) async throws -> ModelIdentity?
}
