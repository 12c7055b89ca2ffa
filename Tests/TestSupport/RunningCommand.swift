import Foundation

/// A command still running, whose standard output is read line by line as it is written (to act in
/// the middle of a long `isctl add --json`, for instance).
public final class RunningCommand: @unchecked Sendable {
    private let process: ChildProcess
    private let output: FileHandle
    private var buffer = Data()

    public init(_ executable: URL, _ arguments: [String]) throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
        process = try ChildProcess(executable.path, arguments, outputDescriptor: ends[1], closingInChild: [ends[0]])
        close(ends[1])
        output = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true)
    }

    /// The next complete line, or nil at end of output.
    public func nextLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[buffer.index(after: newline)...])
                return line
            }
            let chunk = output.availableData
            if chunk.isEmpty {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = Data() }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer.append(chunk)
        }
    }

    /// Waits for the process and returns its exit status.
    public func wait() -> Int32 {
        while nextLine() != nil {}
        return process.wait()
    }
}
