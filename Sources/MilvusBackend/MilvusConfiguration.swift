import SearchBackend

/// How the Milvus backend reaches its server and names its collections there.
public struct MilvusConfiguration: Sendable {
    public var address: MilvusAddress
    /// Sent as the `authorization` header the way Milvus expects: base64 of `user:password` or of an
    /// API token. Nil for a server without authentication.
    public var token: String?
    /// The Milvus database (sent as the `dbname` header); nil uses the server's `default`.
    public var database: String?
    /// Put before a daemon collection's name to make its Milvus collection name: "default" is stored
    /// as `imagesearch_default`. Characters Milvus does not allow in names become `_`.
    public var collectionPrefix: String
    /// Explicit Milvus collection names for some daemon collections, overriding the prefix rule.
    public var collectionNames: [String: String]
    /// The index every collection gets, overriding the one the engine asks for (for example an
    /// IVF_FLAT index, which only Milvus builds). Nil uses the engine's.
    public var index: IndexSpec?
    /// How long one request may take before it fails as `unavailable`; bounds every call, so a
    /// server that stops answering cannot hang the daemon.
    public var requestTimeout: Duration
    /// How long opening a collection waits for Milvus to load it into memory.
    public var loadTimeout: Duration

    public init(
        address: MilvusAddress, token: String? = nil, database: String? = nil, collectionPrefix: String = "imagesearch_",
        collectionNames: [String: String] = [:], index: IndexSpec? = nil, requestTimeout: Duration = .seconds(30),
        loadTimeout: Duration = .seconds(300)
    ) {
        self.address = address
        self.token = token
        self.database = database
        self.collectionPrefix = collectionPrefix
        self.collectionNames = collectionNames
        self.index = index
        self.requestTimeout = requestTimeout
        self.loadTimeout = loadTimeout
    }

    /// The Milvus collection that holds daemon collection `collection`. Two daemon names can map to the
    /// same Milvus name ("a-b", "a_b"); the collection's label catches that when it is opened.
    public func milvusCollectionName(for collection: String) throws -> String {
        let name = collectionNames[collection] ?? (collectionPrefix + collection).map(Self.allowedCharacter).joined()
        let isValid = name.count <= 255 && name.first.map { $0 == "_" || Self.isASCIILetter($0) } == true
            && name.allSatisfy { $0 == "_" || Self.isASCIILetter($0) || $0.isASCII && $0.isNumber }
        guard isValid else {
            throw BackendError(.invalidArgument, "'\(name)' cannot name a Milvus collection (for daemon collection '\(collection)'); Milvus names are up to 255 ASCII letters, digits and '_', starting with a letter or '_'")
        }
        return name
    }

    private static func allowedCharacter(_ character: Character) -> String {
        character == "_" || isASCIILetter(character) || character.isASCII && character.isNumber ? String(character) : "_"
    }

    private static func isASCIILetter(_ character: Character) -> Bool {
        character.isASCII && character.isLetter
    }
}
