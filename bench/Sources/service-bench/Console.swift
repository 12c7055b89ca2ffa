import Foundation

/// Progress goes to standard error and results to standard output as one JSON object, so that
/// bench/service can read the last line of standard output whatever else is printed.
enum Console {
    static func note(_ line: String) {
        FileHandle.standardError.write(Data("service-bench: \(line)\n".utf8))
    }

    static func printJSON(_ object: [String: Any]) throws {
        print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
    }
}
