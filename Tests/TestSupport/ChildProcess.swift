import Foundation

/// A child process started with `posix_spawn` and reaped with `waitpid`.
///
/// The tests do not use Foundation's `Process` for this: on Linux it watches all children from one
/// thread that blocks in `wait4` as soon as it believes one has exited, and a child that closes its
/// inherited descriptors before `exec` (as `systemd-socket-activate` does) makes it believe so while
/// the child runs on, stalling every other test's processes.
public final class ChildProcess: @unchecked Sendable {
    public let processIdentifier: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable`. Standard input reads `standardInput` (default /dev/null); standard output
    /// and error go to the given files, or to the write end of a pipe when `outputDescriptor` is set.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        standardInput: String = "/dev/null", standardOutput: String = "/dev/null", standardError: String = "/dev/null",
        outputDescriptor: Int32? = nil, closingInChild: [Int32] = []
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
        if let outputDescriptor {
            posix_spawn_file_actions_adddup2(&actions, outputDescriptor, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        for descriptor in closingInChild { posix_spawn_file_actions_addclose(&actions, descriptor) }

        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        processIdentifier = pid
    }

    /// Whether the process has not exited yet (reaping it if it has).
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus != nil { return false }
        var status: Int32 = 0
        guard waitpid(processIdentifier, &status, WNOHANG) == processIdentifier else { return true }
        exitStatus = Self.decode(status)
        return false
    }

    /// Blocks until the process exits; its exit code, or 128 + the signal that killed it.
    @discardableResult
    public func wait() -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while waitpid(processIdentifier, &status, 0) < 0, errno == EINTR {}
        exitStatus = Self.decode(status)
        return exitStatus!
    }

    public func send(_ signal: Int32) {
        if isRunning { kill(processIdentifier, signal) }
    }

    private static func decode(_ status: Int32) -> Int32 {
        status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
