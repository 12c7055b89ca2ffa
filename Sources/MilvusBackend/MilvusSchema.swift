import Foundation
import MilvusProtos
import SearchBackend

/// The fields of an imagesearchd collection in Milvus. The primary key is assigned by Milvus
/// (`autoID`): its ids come from the server's timestamp oracle, so they increase with time and are
/// never reused, even across server restarts and when other clients write too.
enum MilvusSchema {
    static let id = "id"
    static let name = "name"
    static let contentSHA256 = "content_sha256"
    static let metadata = "metadata"
    static let vector = "vector"

    /// Milvus's largest VARCHAR.
    static let maxNameBytes = 65_535
    /// Milvus's largest JSON value by default (64 KiB).
    static let maxMetadataBytes = 65_536
    /// Milvus's largest vector dimension.
    static let maxDimension = 32_768

    static func collectionSchema(name: String, label: CollectionLabel) -> Milvus_Proto_Schema_CollectionSchema {
        var schema = Milvus_Proto_Schema_CollectionSchema()
        schema.name = name
        schema.description_p = label.encoded
        schema.autoID = true
        schema.fields = [
            field(id, .int64) { $0.isPrimaryKey = true; $0.autoID = true },
            field(self.name, .varChar, parameters: ["max_length": "\(maxNameBytes)"]),
            field(contentSHA256, .varChar, parameters: ["max_length": "64"]),
            field(metadata, .json),
            field(vector, .floatVector, parameters: ["dim": "\(label.model.dimension)"]),
        ]
        return schema
    }

    /// Refuses a collection whose fields are not the ones this backend writes.
    static func check(_ schema: Milvus_Proto_Schema_CollectionSchema, collection: String, dimension: Int) throws {
        let types = Dictionary(schema.fields.map { ($0.name, $0.dataType) }, uniquingKeysWith: { first, _ in first })
        let expected: [String: Milvus_Proto_Schema_DataType] = [
            id: .int64, name: .varChar, contentSHA256: .varChar, metadata: .json, vector: .floatVector,
        ]
        let vectorDimension = schema.fields.first { $0.name == vector }?.typeParams["dim"]
        guard expected.allSatisfy({ types[$0.key] == $0.value }), vectorDimension == "\(dimension)" else {
            throw BackendError(.storageFailure, "Milvus collection \(collection) does not have the fields imagesearchd writes (id, name, content_sha256, metadata, \(dimension)-d vector); it was changed by another program")
        }
    }

    private static func field(
        _ name: String, _ type: Milvus_Proto_Schema_DataType, parameters: [String: String] = [:],
        configure: (inout Milvus_Proto_Schema_FieldSchema) -> Void = { _ in }
    ) -> Milvus_Proto_Schema_FieldSchema {
        var field = Milvus_Proto_Schema_FieldSchema()
        field.name = name
        field.dataType = type
        field.typeParams = parameters.sorted { $0.key < $1.key }.map { Milvus_Proto_Common_KeyValuePair($0.key, $0.value) }
        configure(&field)
        return field
    }
}
