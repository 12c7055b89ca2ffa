/// Why a backend operation failed. The service turns `code` into a gRPC status and reports the
/// message as is, so messages say what to do.
public struct BackendError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The collection was created by another model (or with another dimension).
        public static let modelMismatch = Code(rawValue: "model_mismatch")
        /// A name that must be unique is taken.
        public static let nameTaken = Code(rawValue: "name_taken")
        /// A vector of the wrong length, an unknown index parameter, and the like.
        public static let invalidArgument = Code(rawValue: "invalid_argument")
        /// The store cannot be read or written (disk full, permissions, corruption).
        public static let storageFailure = Code(rawValue: "storage_failure")
        /// The store is out of space.
        public static let diskFull = Code(rawValue: "disk_full")
        /// This backend cannot do what was asked (see the message for what can).
        public static let unsupported = Code(rawValue: "unsupported")
        /// A remote backend (Milvus) cannot be reached; retrying later may succeed.
        public static let unavailable = Code(rawValue: "backend_unavailable")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
