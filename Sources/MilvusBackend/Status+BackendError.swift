import MilvusProtos
import SearchBackend

/// Reading Milvus's `common.Status`: servers since 2.3 fill `code` (0 is success), older ones only the
/// legacy `error_code`, so both are checked.
extension Milvus_Proto_Common_Status {
    /// Milvus's codes for "collection not found" and "index not found" (merr).
    static let collectionNotFoundCode: Int32 = 100
    static let indexNotFoundCode: Int32 = 700

    var succeeded: Bool { code == 0 && errorCode == .success }

    var isCollectionNotFound: Bool { code == Self.collectionNotFoundCode || errorCode == .collectionNotExists }

    var isIndexNotFound: Bool { code == Self.indexNotFoundCode || errorCode == .indexNotExist }

    /// The failure as a `BackendError`: the caller's fault (a bad parameter) is `invalidArgument`,
    /// anything else `storageFailure`; the message keeps Milvus's reason.
    func backendError(_ action: String, address: MilvusAddress) -> BackendError {
        let reason = reason.isEmpty ? detail : reason
        let number = code != 0 ? "code \(code)" : "error \(errorCode)"
        let message = "Milvus at \(address) refused to \(action): \(reason) (\(number))"
        return BackendError(isCallersFault ? .invalidArgument : .storageFailure, message)
    }

    /// Milvus's parameter errors (merr 1100–1199) and the legacy codes for bad arguments.
    private var isCallersFault: Bool {
        let legacy: Set<Milvus_Proto_Common_ErrorCode> = [.illegalArgument, .illegalDimension, .illegalIndexType, .illegalTopk, .illegalNlist, .illegalMetricType]
        return (1100..<1200).contains(code) || legacy.contains(errorCode)
    }
}
