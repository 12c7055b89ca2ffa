import Foundation
import SearchBackend

/// What it takes for a new or renamed file to survive power loss on Linux: its data is fsynced by its
/// writer, and the directory that names it is fsynced too (a rename is a change of the directory).
enum DurableFiles {
    static func syncDirectory(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw failure("opening directory", url.path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("syncing directory", url.path) }
    }

    /// The current `errno` as a backend error: out of space is `diskFull`, the rest `storageFailure`.
    static func failure(_ action: String, _ path: String) -> BackendError {
        let code = errno
        let reason = String(cString: strerror(code))
        if code == ENOSPC || code == EDQUOT {
            return BackendError(.diskFull, "\(action) \(path) failed: \(reason); free space on that file system")
        }
        return BackendError(.storageFailure, "\(action) \(path) failed: \(reason)")
    }
}
