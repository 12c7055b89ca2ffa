import Foundation
import MilvusProtos
import SearchBackend

/// Images for one InsertRequest. Milvus takes rows column by column (one `FieldData` per field), and a
/// request must stay under the server's message limit, so large inserts are split into batches.
struct InsertBatch {
    /// Payload bytes per request: under gRPC's customary 4 MiB limit, which some Milvus servers keep.
    static let maxBytes = 3 * 1024 * 1024

    /// Each image with its metadata already encoded as JSON.
    var rows: [(image: NewImage, metadata: Data)]

    /// `rows` cut into batches of at most `maxBytes` (a single larger row gets a batch of its own).
    static func split(_ rows: [(image: NewImage, metadata: Data)]) -> [InsertBatch] {
        var batches: [InsertBatch] = []
        var current: [(image: NewImage, metadata: Data)] = []
        var bytes = 0
        for row in rows {
            let size = row.image.vector.count * 4 + row.image.name.utf8.count + row.image.contentSHA256.utf8.count + row.metadata.count + 32
            if !current.isEmpty, bytes + size > maxBytes {
                batches.append(InsertBatch(rows: current))
                current = []
                bytes = 0
            }
            current.append(row)
            bytes += size
        }
        if !current.isEmpty {
            batches.append(InsertBatch(rows: current))
        }
        return batches
    }

    func request(collection: String, dimension: Int) -> Milvus_Proto_Milvus_InsertRequest {
        var request = Milvus_Proto_Milvus_InsertRequest()
        request.collectionName = collection
        request.numRows = UInt32(rows.count)
        request.fieldsData = [
            Self.strings(MilvusSchema.name, rows.map(\.image.name)),
            Self.strings(MilvusSchema.contentSHA256, rows.map(\.image.contentSHA256)),
            Self.json(MilvusSchema.metadata, rows.map(\.metadata)),
            Self.vectors(MilvusSchema.vector, rows.flatMap(\.image.vector), dimension: dimension),
        ]
        return request
    }

    private static func strings(_ name: String, _ values: [String]) -> Milvus_Proto_Schema_FieldData {
        var field = Milvus_Proto_Schema_FieldData()
        field.fieldName = name
        field.type = .varChar
        field.scalars.stringData.data = values
        return field
    }

    private static func json(_ name: String, _ values: [Data]) -> Milvus_Proto_Schema_FieldData {
        var field = Milvus_Proto_Schema_FieldData()
        field.fieldName = name
        field.type = .json
        field.scalars.jsonData.data = values
        return field
    }

    private static func vectors(_ name: String, _ values: [Float], dimension: Int) -> Milvus_Proto_Schema_FieldData {
        var field = Milvus_Proto_Schema_FieldData()
        field.fieldName = name
        field.type = .floatVector
        field.vectors.dim = Int64(dimension)
        field.vectors.floatVector.data = values
        return field
    }
}
