import Foundation

/// Runs programs the way a user's shell would, capturing their output.
public enum Command {
    /// Runs `executable` to completion. Output goes through files, so a chatty program never blocks on
    /// a full pipe.
    @discardableResult
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], standardInput: Data? = nil
    ) throws -> CommandResult {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        let inURL = scratch.appendingPathComponent("in")
        try (standardInput ?? Data()).write(to: inURL)
        let child = try ChildProcess(
            executable.path, arguments, environment: environment,
            standardInput: inURL.path, standardOutput: outURL.path, standardError: errURL.path)
        let status = child.wait()
        return CommandResult(
            status: status,
            standardOutput: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// `isctl` with `--socket` set.
    @discardableResult
    public static func isctl(_ arguments: [String], socket: String, standardInput: Data? = nil) throws -> CommandResult {
        guard let subcommand = arguments.first else { return try run(BuiltProducts.isctl, arguments) }
        return try run(BuiltProducts.isctl, [subcommand, "--socket", socket] + arguments.dropFirst(), standardInput: standardInput)
    }
}
