import ImageSearchProtos

/// What became of one file of an `add`.
struct FileOutcome: Sendable {
    enum Status: Sendable {
        /// Stored now, with this id and name.
        case added(id: UInt64, name: String)
        /// The same content was stored already, with this id and name (perhaps another file's path).
        case unchanged(id: UInt64, name: String)
        case failed(Failure)
    }

    struct Failure: Sendable {
        let reason: String
        let message: String
    }

    let path: String
    let status: Status

    /// The daemon's answer for `file`.
    init(_ file: ImageFile, result: Imagesearch_V1_AddResult) {
        path = file.path
        switch result.status {
        case .added: status = .added(id: result.id, name: result.name)
        case .unchanged: status = .unchanged(id: result.id, name: result.name)
        default: status = .failed(Failure(reason: result.error.reason, message: result.error.message))
        }
    }

    init(_ file: ImageFile, failure: Failure) {
        path = file.path
        status = .failed(failure)
    }

    var isFailure: Bool {
        if case .failed = status { true } else { false }
    }

    /// The file's line in `add --json`: `id` and `name` for added and unchanged images, `error` for
    /// failed ones.
    var json: JSONValue {
        let path: (key: String, value: JSONValue) = ("path", .string(path))
        switch status {
        case .added(let id, let name):
            return .object([path, ("status", .string("added")), ("id", .integer(id)), ("name", .string(name))])
        case .unchanged(let id, let name):
            return .object([path, ("status", .string("unchanged")), ("id", .integer(id)), ("name", .string(name))])
        case .failed(let failure):
            let error = JSONValue.object([("reason", .string(failure.reason)), ("message", .string(failure.message))])
            return .object([path, ("status", .string("failed")), ("error", error)])
        }
    }
}
