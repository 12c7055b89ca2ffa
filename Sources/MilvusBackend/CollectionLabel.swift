import Foundation
import SearchBackend

/// What imagesearchd writes into a Milvus collection's description, as JSON: the daemon collection it
/// holds and the model that made its vectors. Opening checks it, so that a collection is never used
/// with another model's vectors, nor mistaken for another daemon collection that maps to the same
/// Milvus name, nor taken over when something else created it.
struct CollectionLabel: Codable, Equatable {
    var imagesearchdCollection: String
    var model: ModelIdentity

    init(imagesearchdCollection: String, model: ModelIdentity) {
        self.imagesearchdCollection = imagesearchdCollection
        self.model = model
    }

    /// The label in a description, or nil when the description is not one.
    init?(description: String) {
        guard let label = try? JSONDecoder().decode(Self.self, from: Data(description.utf8)) else { return nil }
        self = label
    }

    var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and integers cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
