import Foundation

/// A file named on the command line for `search` and `embed`, or standard input for `-`.
enum InputFile {
    static let standardInput = "-"

    static func contents(of argument: String) throws -> Data {
        if argument == standardInput {
            return try FileHandle.standardInput.readToEnd() ?? Data()
        }
        do {
            return try ImageFile(path: argument).contents()
        } catch let error as CLIError {
            throw CLIError(error.code, "cannot read \(argument): \(error.message)")
        }
    }
}
