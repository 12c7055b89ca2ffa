import Foundation
import MilvusProtos
import SearchBackend
import SwiftProtobuf

/// One collection stored and searched in a Milvus server.
///
/// Reads see every insert and remove that has returned (see `ReadConsistency`); `statistics()` counts
/// with Strong consistency, so its count also reflects other clients' writes.
final class MilvusBackend: SearchBackend {
    /// Milvus's largest `topk`.
    static let maxTopK = 16_384

    private let connection: MilvusConnection
    /// The daemon's name for the collection, and Milvus's.
    private let collection: String
    private let milvusName: String
    private let model: ModelIdentity
    private let index: MilvusIndex
    private let consistency = ReadConsistency()

    var indexSpec: IndexSpec { index.spec }

    init(connection: MilvusConnection, collection: String, milvusName: String, model: ModelIdentity, index: MilvusIndex) {
        self.connection = connection
        self.collection = collection
        self.milvusName = milvusName
        self.model = model
        self.index = index
    }

    // MARK: Writing

    func insert(_ images: [NewImage]) async throws -> [Int64] {
        guard !images.isEmpty else { return [] }
        let rows = try images.map { (image: $0, metadata: try checkedMetadata(of: $0)) }
        let names = images.map(\.name)
        try refuseRepeatedNames(names)
        // Which stored rows hold these names is asked alongside the insert, not before it: the query
        // waits until Milvus has applied this backend's earlier writes (up to its time tick, 200 ms),
        // and that wait now overlaps sending the rows. The query may see the new rows too; they are
        // told apart by id. When an earlier row holds one of the names, the new rows are deleted again.
        let sinceEarlierWrites = consistency.forRead
        async let holders = rowsNamed(names, reading: sinceEarlierWrites)
        let ids = try await insertRows(rows)
        let newIDs = Set(ids)
        let taken: String?
        do {
            taken = try await holders.first { !newIDs.contains($0.id) }?.name
        } catch {
            try await deleteAll(ids)
            throw error
        }
        if let taken {
            try await deleteAll(ids)
            throw BackendError(.nameTaken, "an image named '\(taken)' is already stored in collection '\(collection)'")
        }
        return ids
    }

    /// Inserts the rows in requests under the message limit, one after the other so that the ids
    /// Milvus assigns increase in row order; returns them in that order.
    private func insertRows(_ rows: [(image: NewImage, metadata: Data)]) async throws -> [Int64] {
        var ids: [Int64] = []
        for batch in InsertBatch.split(rows) {
            ids += try await insert(batch)
        }
        return ids
    }

    private func insert(_ batch: InsertBatch) async throws -> [Int64] {
        let request = batch.request(collection: milvusName, dimension: model.dimension)
        let write = consistency.writeStarted()
        let reply = try await connection.call("insert \(batch.rows.count) images into \(milvusName)") {
            try await $0.insert(request, metadata: $1, options: $2)
        }
        guard reply.ids.intID.data.count == batch.rows.count else {
            throw BackendError(.storageFailure, "Milvus at \(connection.address) returned \(reply.ids.intID.data.count) ids for \(batch.rows.count) images inserted into \(milvusName)")
        }
        consistency.writeFinished(write, timestamp: reply.timestamp)
        return reply.ids.intID.data
    }

    func remove(ids: [Int64]) async throws -> [Int64] {
        var seen = Set<Int64>()
        let requested = ids.filter { seen.insert($0).inserted }
        var removed: [Int64] = []
        for list in MilvusExpression.lists(requested) {
            let existing = Set(try await query(MilvusExpression.oneOf(MilvusSchema.id, list), fields: [MilvusSchema.id]).integers(MilvusSchema.id))
            let present = list.filter(existing.contains)
            guard !present.isEmpty else { continue }
            try await delete(present)
            removed += present
        }
        return removed
    }

    /// Deletes rows this backend just inserted, in lists of Milvus's size.
    private func deleteAll(_ ids: [Int64]) async throws {
        for list in MilvusExpression.lists(ids) { try await delete(Array(list)) }
    }

    private func delete(_ ids: [Int64]) async throws {
        var request = Milvus_Proto_Milvus_DeleteRequest()
        request.collectionName = milvusName
        request.expr = MilvusExpression.oneOf(MilvusSchema.id, ids)
        let write = consistency.writeStarted()
        let reply = try await connection.call("delete \(ids.count) images from \(milvusName)") {
            try await $0.delete(request, metadata: $1, options: $2)
        }
        consistency.writeFinished(write, timestamp: reply.timestamp)
    }

    /// Checks what Milvus would refuse less clearly (or not at all), and returns the metadata as JSON.
    private func checkedMetadata(of image: NewImage) throws -> Data {
        guard image.vector.count == model.dimension else {
            throw BackendError(.invalidArgument, "the vector of '\(image.name)' has \(image.vector.count) values; collection '\(collection)' holds \(model.dimension)-d vectors of \(model.name)")
        }
        guard image.vector.allSatisfy(\.isFinite) else {
            throw BackendError(.invalidArgument, "the vector of '\(image.name)' contains NaN or infinite values")
        }
        guard image.name.utf8.count <= MilvusSchema.maxNameBytes else {
            throw BackendError(.invalidArgument, "the name '\(image.name.prefix(80))…' is \(image.name.utf8.count) bytes; Milvus stores names of up to \(MilvusSchema.maxNameBytes)")
        }
        guard image.contentSHA256.utf8.count == 64 else {
            throw BackendError(.invalidArgument, "'\(image.contentSHA256)' is not a SHA-256 in hex (64 characters)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let metadata = try encoder.encode(image.metadata)
        guard metadata.count <= MilvusSchema.maxMetadataBytes else {
            throw BackendError(.invalidArgument, "the metadata of '\(image.name)' is \(metadata.count) bytes as JSON; Milvus stores up to \(MilvusSchema.maxMetadataBytes)")
        }
        return metadata
    }

    /// The backstop behind the engine's own check: a name is stored at most once.
    private func refuseRepeatedNames(_ names: [String]) throws {
        var seen = Set<String>()
        if let repeated = names.first(where: { !seen.insert($0).inserted }) {
            throw BackendError(.nameTaken, "the name '\(repeated)' appears twice in one insert into collection '\(collection)'")
        }
    }

    /// The stored rows holding any of `names`, read with the given consistency.
    private func rowsNamed(
        _ names: [String], reading: (level: Milvus_Proto_Common_ConsistencyLevel, guarantee: UInt64)
    ) async throws -> [(id: Int64, name: String)] {
        var rows: [(id: Int64, name: String)] = []
        for list in MilvusExpression.lists(names) {
            let columns = try await query(MilvusExpression.oneOf(MilvusSchema.name, list), fields: [MilvusSchema.id, MilvusSchema.name], reading: reading)
            rows += zip(try columns.integers(MilvusSchema.id), try columns.strings(MilvusSchema.name)).map { ($0, $1) }
        }
        return rows
    }

    // MARK: Reading

    func image(id: Int64, includeVector: Bool) async throws -> ImageRecord? {
        try await firstRecord(matching: MilvusExpression.oneOf(MilvusSchema.id, [id]), includeVector: includeVector)
    }

    func image(name: String, includeVector: Bool) async throws -> ImageRecord? {
        try await firstRecord(matching: MilvusExpression.equals(MilvusSchema.name, name), includeVector: includeVector)
    }

    func image(contentSHA256: String) async throws -> ImageRecord? {
        try await firstRecord(matching: MilvusExpression.equals(MilvusSchema.contentSHA256, contentSHA256), includeVector: false)
    }

    /// The matching record with the lowest id (Milvus returns rows in no particular order).
    private func firstRecord(matching expression: String, includeVector: Bool) async throws -> ImageRecord? {
        var fields = [MilvusSchema.id, MilvusSchema.name, MilvusSchema.contentSHA256, MilvusSchema.metadata]
        if includeVector {
            fields.append(MilvusSchema.vector)
        }
        let records = try await query(expression, fields: fields).records(includeVector: includeVector)
        return records.min { $0.id < $1.id }
    }

    func search(_ query: [Float], topK: Int, maxDistance: Float?) async throws -> [SearchHit] {
        guard query.count == model.dimension else {
            throw BackendError(.invalidArgument, "the query vector has \(query.count) values; collection '\(collection)' holds \(model.dimension)-d vectors of \(model.name)")
        }
        guard (1...Self.maxTopK).contains(topK) else {
            throw BackendError(.invalidArgument, "top_k must be between 1 and \(Self.maxTopK) (Milvus's limit), not \(topK)")
        }
        let request = try searchRequest(query, topK: topK)
        let results = try await connection.call("search \(milvusName)") {
            try await $0.search(request, metadata: $1, options: $2)
        }.results
        let ids = results.ids.intID.data
        guard !ids.isEmpty else { return [] }
        let columns = ResultColumns(results.fieldsData, collection: milvusName)
        let names = try columns.strings(MilvusSchema.name)
        let metadata = try columns.metadata()
        guard results.scores.count == ids.count, names.count == ids.count, metadata.count == ids.count else {
            throw BackendError(.storageFailure, "Milvus at \(connection.address) returned a search result of mismatched lengths for \(milvusName)")
        }
        let hits = ids.indices.map { row in
            SearchHit(id: ids[row], name: names[row], distance: index.spec.metric.distance(milvusScore: results.scores[row]), metadata: metadata[row])
        }
        return hits.filter { hit in maxDistance.map { hit.distance <= $0 } ?? true }.sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
    }

    private func searchRequest(_ query: [Float], topK: Int) throws -> Milvus_Proto_Milvus_SearchRequest {
        var vector = Milvus_Proto_Common_PlaceholderValue()
        vector.tag = "$0"
        vector.type = .floatVector
        // Milvus reads little-endian float32s, the byte order of every platform Swift runs this on.
        vector.values = [query.withUnsafeBufferPointer { Data(buffer: $0) }]
        var placeholders = Milvus_Proto_Common_PlaceholderGroup()
        placeholders.placeholders = [vector]

        var request = Milvus_Proto_Milvus_SearchRequest()
        request.collectionName = milvusName
        request.dslType = .boolExprV1
        request.placeholderGroup = try placeholders.serializedBytes()
        request.nq = 1
        request.searchParams = index.searchParameters(topK: topK)
        request.outputFields = [MilvusSchema.name, MilvusSchema.metadata]
        (request.consistencyLevel, request.guaranteeTimestamp) = consistency.forRead
        request.useDefaultConsistency = false
        return request
    }

    /// Queries with `reading`, by default `consistency.forRead`.
    private func query(
        _ expression: String, fields: [String], reading: (level: Milvus_Proto_Common_ConsistencyLevel, guarantee: UInt64)? = nil
    ) async throws -> ResultColumns {
        var request = Milvus_Proto_Milvus_QueryRequest()
        request.collectionName = milvusName
        request.expr = expression
        request.outputFields = fields
        (request.consistencyLevel, request.guaranteeTimestamp) = reading ?? consistency.forRead
        request.useDefaultConsistency = false
        let reply = try await connection.call("query \(milvusName)") {
            try await $0.query(request, metadata: $1, options: $2)
        }
        return ResultColumns(reply.fieldsData, collection: milvusName)
    }

    // MARK: Figures and lifecycle

    /// The count comes from Milvus with Strong consistency, so it reflects deletes; the memory figure
    /// is an estimate of the vectors Milvus holds for this collection (in the server, not this process).
    /// Not offered: its only user, finding duplicates, needs local features, which Milvus collections
    /// do not keep.
    func ids(after id: Int64, limit: Int) async throws -> [Int64] {
        throw BackendError(.unsupported, "collections on Milvus keep no local features, so duplicates cannot be verified there; use the embedded index")
    }

    /// None: the collection schema has no field for them yet, so searches on Milvus are not verified.
    func localFeatures(ids: [Int64]) async throws -> [Int64: Data] { [:] }

    /// None: Milvus collections keep no settings of ours, so they follow the daemon's defaults.
    func settings() async throws -> CollectionSettings { CollectionSettings() }

    func save(_ settings: CollectionSettings) async throws {
        throw BackendError(.unsupported, "collections on Milvus keep no settings; they follow the daemon's options (imagesearchd --verify)")
    }

    func statistics() async throws -> BackendStatistics {
        let counts = try await query("", fields: ["count(*)"], reading: (.strong, 0)).integers("count(*)")
        guard let count = counts.first else {
            throw BackendError(.storageFailure, "Milvus at \(connection.address) returned no count for \(milvusName)")
        }
        return BackendStatistics(backend: "milvus", count: Int(count), index: index.spec, memoryBytes: Int(count) * model.dimension * 4)
    }

    /// Flushes the collection (Milvus seals the data written so far into segments, builds their index
    /// and persists them, so its next start replays less) and closes the connection.
    func close() async throws {
        do {
            try await flush()
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    private func flush() async throws {
        var request = Milvus_Proto_Milvus_FlushRequest()
        request.collectionNames = [milvusName]
        _ = try await connection.call("flush \(milvusName)") {
            try await $0.flush(request, metadata: $1, options: $2)
        }
    }
}
