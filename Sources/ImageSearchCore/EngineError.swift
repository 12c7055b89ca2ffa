import Imaging
import SearchBackend

/// Why a request failed: a stable `code` (the "reason" clients see, e.g. `corrupt_image`,
/// `not_found`, `disk_full`), a `kind` that decides the gRPC status, and a message a person can act on.
public struct EngineError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let notFound = Code(rawValue: "not_found")
        public static let invalidArgument = Code(rawValue: "invalid_argument")
        public static let imageTooLarge = Code(rawValue: "image_too_large")
        public static let duplicateName = Code(rawValue: "duplicate_name")
        public static let shuttingDown = Code(rawValue: "shutting_down")
    }

    /// What kind of failure it is, independent of the transport (the service maps it to a status code).
    public enum Kind: Sendable, Equatable {
        case notFound
        case invalidArgument
        case resourceExhausted
        case failedPrecondition
        case unavailable
        case internalFailure
    }

    public let code: Code
    public let kind: Kind
    public let message: String

    public init(_ code: Code, _ kind: Kind, _ message: String) {
        self.code = code
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }

    /// An image the decoder refused: too large is a resource limit, everything else a bad argument.
    public init(_ error: ImagingError) {
        self.init(Code(rawValue: error.code.rawValue), error.code == .tooLarge ? .resourceExhausted : .invalidArgument, error.message)
    }

    public init(_ error: BackendError) {
        let kind: Kind
        switch error.code {
        case .modelMismatch, .unsupported: kind = .failedPrecondition
        case .nameTaken, .invalidArgument: kind = .invalidArgument
        case .diskFull: kind = .resourceExhausted
        case .unavailable: kind = .unavailable
        default: kind = .internalFailure
        }
        self.init(Code(rawValue: error.code.rawValue), kind, error.message)
    }

    /// `error` as an `EngineError`, whatever layer it came from.
    public static func wrapping(_ error: any Error) -> EngineError {
        switch error {
        case let error as EngineError: error
        case let error as BackendError: EngineError(error)
        case let error as ImagingError: EngineError(error)
        default: EngineError(Code(rawValue: "internal_error"), .internalFailure, "\(error)")
        }
    }
}
