/// Why a model could not be loaded or converted.
///
/// The `code` is stable and meant for programs (and tests); the `message` is for a person and names the
/// file and what is wrong with it, so that the fix (re-run the set-up, pick another file) is obvious.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The model directory or its manifest does not exist.
        public static let modelNotFound = Code(rawValue: "model_not_found")
        /// The manifest exists but is not valid JSON of the expected shape.
        public static let invalidManifest = Code(rawValue: "invalid_manifest")
        /// The weights file named by the manifest does not exist.
        public static let weightsMissing = Code(rawValue: "weights_missing")
        /// The weights file is shorter than its header says, or its header is damaged.
        public static let weightsCorrupt = Code(rawValue: "weights_corrupt")
        /// The weights file's SHA-256 differs from the one the manifest recorded.
        public static let weightsChecksumMismatch = Code(rawValue: "weights_checksum_mismatch")
        /// A tensor the architecture needs is absent, or has another shape or type.
        public static let tensorMismatch = Code(rawValue: "tensor_mismatch")
        /// The manifest names an architecture this build does not implement.
        public static let unsupportedArchitecture = Code(rawValue: "unsupported_architecture")
        /// A source checkpoint (PyTorch or TensorFlow Lite file) could not be read.
        public static let invalidCheckpoint = Code(rawValue: "invalid_checkpoint")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
