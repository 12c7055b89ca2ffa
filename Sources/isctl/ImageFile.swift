import Foundation

/// A file `add` sends: its absolute path, which is also the image's name in the collection.
struct ImageFile: Sendable, Hashable {
    let path: String
    /// Why it cannot be read, when the scan already found out (a directory that cannot be listed).
    let problem: String?

    init(path: String, problem: String? = nil) {
        self.path = path
        self.problem = problem
    }

    /// The whole file, read now; throws `unreadable_file` with the system's reason.
    func contents() throws -> Data {
        if let problem { throw CLIError(.unreadableFile, problem) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.unreadable(errno) }
        defer { close(descriptor) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.unreadable(errno)
            }
            data.append(chunk, count: count)
        }
    }

    static func unreadable(_ code: Int32) -> CLIError {
        CLIError(.unreadableFile, String(cString: strerror(code)))
    }
}
