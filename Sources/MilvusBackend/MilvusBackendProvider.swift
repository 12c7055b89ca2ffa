import MilvusProtos
import SearchBackend

/// The Milvus backend: each daemon collection is a Milvus collection (named as
/// `MilvusConfiguration.milvusCollectionName(for:)` says), reached over Milvus's gRPC API.
///
/// Opening does not retry: when Milvus cannot be reached it fails at once with `unavailable`, naming
/// the address, so that a daemon started before its Milvus stops with a clear message (and its service
/// manager restarts it) rather than hanging. Once open, a backend outlives Milvus restarts: requests
/// fail with `unavailable` while the server is away and succeed again when it is back.
public struct MilvusBackendProvider: BackendProvider {
    public let configuration: MilvusConfiguration

    public init(configuration: MilvusConfiguration) {
        self.configuration = configuration
    }

    public func open(collection: String, model: ModelIdentity, index: IndexSpec) async throws -> any SearchBackend {
        let milvusName = try configuration.milvusCollectionName(for: collection)
        let index = try MilvusIndex(configuration.index ?? index)
        guard (1...MilvusSchema.maxDimension).contains(model.dimension) else {
            throw BackendError(.invalidArgument, "model \(model.name) has dimension \(model.dimension); Milvus stores 1…\(MilvusSchema.maxDimension)")
        }
        let connection = try MilvusConnection(configuration)
        let opener = CollectionOpener(
            connection: connection, collection: collection, milvusName: milvusName, model: model, index: index,
            loadTimeout: configuration.loadTimeout)
        do {
            try await opener.open()
        } catch {
            await connection.close()
            throw error
        }
        return MilvusBackend(connection: connection, collection: collection, milvusName: milvusName, model: model, index: index)
    }

    public func recordedModel(of collection: String) async throws -> ModelIdentity? {
        let milvusName = try configuration.milvusCollectionName(for: collection)
        let description = try await withConnection { try await describe(milvusName, using: $0) }
        return description.flatMap { CollectionLabel(description: $0.schema.description_p)?.model }
    }

    /// Deletes the Milvus collection behind daemon collection `collection` with everything in it, if
    /// there is one. Refuses a Milvus collection that imagesearchd did not create for that collection.
    public func dropCollection(_ collection: String) async throws {
        let milvusName = try configuration.milvusCollectionName(for: collection)
        try await withConnection { try await drop(milvusName, of: collection, using: $0) }
    }

    /// Runs `body` on a connection of its own, closed afterwards whatever happens.
    private func withConnection<Result>(_ body: (MilvusConnection) async throws -> Result) async throws -> Result {
        let connection = try MilvusConnection(configuration)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    private func drop(_ milvusName: String, of collection: String, using connection: MilvusConnection) async throws {
        guard let description = try await describe(milvusName, using: connection) else { return }
        guard CollectionLabel(description: description.schema.description_p)?.imagesearchdCollection == collection else {
            throw BackendError(.invalidArgument, "Milvus collection \(milvusName) at \(connection.address) does not hold daemon collection '\(collection)'; not dropping it")
        }
        var drop = Milvus_Proto_Milvus_DropCollectionRequest()
        drop.collectionName = milvusName
        _ = try await connection.call("drop collection \(milvusName)") {
            try await $0.dropCollection(drop, metadata: $1, options: $2)
        }
    }

    /// The collection's description; nil when Milvus has no collection of that name.
    private func describe(_ milvusName: String, using connection: MilvusConnection) async throws -> Milvus_Proto_Milvus_DescribeCollectionResponse? {
        var describe = Milvus_Proto_Milvus_DescribeCollectionRequest()
        describe.collectionName = milvusName
        let description = try await connection.call("describe collection \(milvusName)", accepting: { $0.succeeded || $0.isCollectionNotFound }) {
            try await $0.describeCollection(describe, metadata: $1, options: $2)
        }
        return description.status.succeeded ? description : nil
    }
}
