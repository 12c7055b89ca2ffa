import GRPCCore
import ImageSearchCore

/// How engine failures look on the wire.
enum EngineErrorMapping {
    /// The metadata key that carries an error's stable reason.
    static let reasonKey = "imagesearch-reason"

    static func statusCode(for kind: EngineError.Kind) -> RPCError.Code {
        switch kind {
        case .notFound: .notFound
        case .invalidArgument: .invalidArgument
        case .resourceExhausted: .resourceExhausted
        case .failedPrecondition: .failedPrecondition
        case .unavailable: .unavailable
        case .internalFailure: .internalError
        }
    }
}

extension RPCError {
    /// The gRPC error for an engine failure: its status code, its message and its reason.
    init(_ error: EngineError) {
        var metadata = Metadata()
        metadata.addString(error.code.rawValue, forKey: EngineErrorMapping.reasonKey)
        self.init(code: EngineErrorMapping.statusCode(for: error.kind), message: error.message, metadata: metadata)
    }
}
