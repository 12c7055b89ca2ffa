import Foundation
import MilvusProtos
import SearchBackend

/// The rows of a Query or Search reply. Milvus answers column by column (one `FieldData` per output
/// field, in no promised order), so columns are found by field name and read row by row.
struct ResultColumns {
    private let columns: [String: Milvus_Proto_Schema_FieldData]
    private let collection: String

    init(_ fields: [Milvus_Proto_Schema_FieldData], collection: String) {
        columns = Dictionary(fields.map { ($0.fieldName, $0) }, uniquingKeysWith: { first, _ in first })
        self.collection = collection
    }

    func integers(_ field: String) throws -> [Int64] {
        try column(field).scalars.longData.data
    }

    func strings(_ field: String) throws -> [String] {
        try column(field).scalars.stringData.data
    }

    /// The metadata column: one JSON object of strings per row.
    func metadata() throws -> [[String: String]] {
        try column(MilvusSchema.metadata).scalars.jsonData.data.map { json in
            guard let metadata = try? JSONDecoder().decode([String: String].self, from: json) else {
                throw BackendError(.storageFailure, "Milvus collection \(collection) holds metadata that is not a JSON object of strings: \(String(decoding: json, as: UTF8.self).prefix(200))")
            }
            return metadata
        }
    }

    /// The vector column, cut into one vector per row.
    func vectors() throws -> [[Float]] {
        let field = try column(MilvusSchema.vector).vectors
        let dimension = Int(field.dim)
        let values = field.floatVector.data
        guard dimension > 0, values.count % dimension == 0 else {
            throw BackendError(.storageFailure, "Milvus returned \(values.count) vector values of dimension \(dimension) for collection \(collection)")
        }
        return stride(from: 0, to: values.count, by: dimension).map { Array(values[$0..<$0 + dimension]) }
    }

    /// Query rows as records, each column checked to have one value per id.
    func records(includeVector: Bool) throws -> [ImageRecord] {
        let ids = try integers(MilvusSchema.id)
        let names = try strings(MilvusSchema.name)
        let hashes = try strings(MilvusSchema.contentSHA256)
        let metadata = try metadata()
        let vectors = includeVector ? try self.vectors().map(Optional.some) : Array(repeating: nil, count: ids.count)
        guard [names.count, hashes.count, metadata.count, vectors.count].allSatisfy({ $0 == ids.count }) else {
            throw BackendError(.storageFailure, "Milvus returned columns of different lengths for collection \(collection)")
        }
        return ids.indices.map { row in
            ImageRecord(id: ids[row], name: names[row], contentSHA256: hashes[row], metadata: metadata[row], vector: vectors[row])
        }
    }

    private func column(_ field: String) throws -> Milvus_Proto_Schema_FieldData {
        guard let column = columns[field] else {
            throw BackendError(.storageFailure, "Milvus left out the field \(field) of collection \(collection) from its reply")
        }
        return column
    }
}
