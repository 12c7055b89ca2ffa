import MilvusProtos

/// Milvus passes most options as lists of string pairs (`common.KeyValuePair`).
extension Milvus_Proto_Common_KeyValuePair {
    init(_ key: String, _ value: String) {
        self.init()
        self.key = key
        self.value = value
    }
}

extension [Milvus_Proto_Common_KeyValuePair] {
    /// The value of the first pair with `key`.
    subscript(key: String) -> String? {
        first { $0.key == key }?.value
    }
}
