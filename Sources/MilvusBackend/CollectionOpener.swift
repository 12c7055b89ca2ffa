import Foundation
import MilvusProtos
import SearchBackend
import SwiftProtobuf

/// The work of opening a collection: create it on first use, check that it belongs to this daemon
/// collection and model, build its index if it has none, and load it into Milvus's memory (Milvus
/// searches only loaded collections).
struct CollectionOpener {
    let connection: MilvusConnection
    /// The daemon's name for the collection, and Milvus's.
    let collection: String
    let milvusName: String
    let model: ModelIdentity
    let index: MilvusIndex
    let loadTimeout: Duration

    func open() async throws {
        if try await !exists() {
            try await create()
        }
        try await checkLabelAndSchema()
        try await buildIndexIfMissing()
        try await load()
    }

    private func exists() async throws -> Bool {
        var request = Milvus_Proto_Milvus_HasCollectionRequest()
        request.collectionName = milvusName
        return try await connection.call("look up collection \(milvusName)") {
            try await $0.hasCollection(request, metadata: $1, options: $2)
        }.value
    }

    private func create() async throws {
        let label = CollectionLabel(imagesearchdCollection: collection, model: model)
        var request = Milvus_Proto_Milvus_CreateCollectionRequest()
        request.collectionName = milvusName
        request.schema = try MilvusSchema.collectionSchema(name: milvusName, label: label).serializedBytes()
        request.shardsNum = 1
        _ = try await connection.call("create collection \(milvusName)") {
            try await $0.createCollection(request, metadata: $1, options: $2)
        }
    }

    private func checkLabelAndSchema() async throws {
        var request = Milvus_Proto_Milvus_DescribeCollectionRequest()
        request.collectionName = milvusName
        let schema = try await connection.call("describe collection \(milvusName)") {
            try await $0.describeCollection(request, metadata: $1, options: $2)
        }.schema
        guard let label = CollectionLabel(description: schema.description_p) else {
            throw BackendError(.invalidArgument, "Milvus collection \(milvusName) at \(connection.address) was not created by imagesearchd; map daemon collection '\(collection)' to another Milvus collection name")
        }
        guard label.imagesearchdCollection == collection else {
            throw BackendError(.invalidArgument, "Milvus collection \(milvusName) at \(connection.address) holds daemon collection '\(label.imagesearchdCollection)', not '\(collection)' (both map to the same Milvus name); map one of them to another Milvus collection name")
        }
        guard label.model == model else {
            throw BackendError(.modelMismatch, """
                collection '\(collection)' (Milvus collection \(milvusName) at \(connection.address)) holds vectors of model \(label.model), \
                but this service runs model \(model); vectors of different models cannot be compared. Start the service with that \
                model and recipe (--model, --embedding), or give this model its own collection
                """)
        }
        try MilvusSchema.check(schema, collection: milvusName, dimension: model.dimension)
    }

    private func buildIndexIfMissing() async throws {
        var describe = Milvus_Proto_Milvus_DescribeIndexRequest()
        describe.collectionName = milvusName
        describe.fieldName = MilvusSchema.vector
        let existing = try await connection.call("describe the index of \(milvusName)", accepting: { $0.succeeded || $0.isIndexNotFound }) {
            try await $0.describeIndex(describe, metadata: $1, options: $2)
        }
        if let description = existing.indexDescriptions.first(where: { $0.fieldName == MilvusSchema.vector }) {
            try index.checkMatches(description, collection: milvusName)
            return
        }
        var create = Milvus_Proto_Milvus_CreateIndexRequest()
        create.collectionName = milvusName
        create.fieldName = MilvusSchema.vector
        create.indexName = MilvusSchema.vector
        create.extraParams = index.createParameters
        _ = try await connection.call("create a \(index.spec) index on \(milvusName)") {
            try await $0.createIndex(create, metadata: $1, options: $2)
        }
    }

    /// Asks Milvus to load the collection and waits until it has.
    private func load() async throws {
        var request = Milvus_Proto_Milvus_LoadCollectionRequest()
        request.collectionName = milvusName
        _ = try await connection.call("load collection \(milvusName)") {
            try await $0.loadCollection(request, metadata: $1, options: $2)
        }
        let deadline = ContinuousClock.now + loadTimeout
        while try await loadState() != .loaded {
            guard ContinuousClock.now < deadline else {
                throw BackendError(.unavailable, "Milvus at \(connection.address) did not finish loading collection \(milvusName) within \(loadTimeout)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func loadState() async throws -> Milvus_Proto_Common_LoadState {
        var request = Milvus_Proto_Milvus_GetLoadStateRequest()
        request.collectionName = milvusName
        return try await connection.call("check whether \(milvusName) is loaded") {
            try await $0.getLoadState(request, metadata: $1, options: $2)
        }.state
    }
}
