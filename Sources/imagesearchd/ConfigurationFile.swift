import Foundation

/// The daemon's configuration file: one `key = value` per line, keys named like the long options
/// without their dashes (`socket = /run/imagesearchd/imagesearchd.sock`, `threads = 2`,
/// `index-param = M=16`), `#` starts a comment, values may be quoted. A key may repeat where the
/// option may (`index-param`).
struct ConfigurationFile {
    private(set) var values: [String: [String]] = [:]

    init(contentsOf path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DaemonError(.invalidConfiguration, "cannot read the configuration file \(path)")
        }
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw DaemonError(.invalidConfiguration, "\(path):\(number + 1): expected 'key = value', found '\(line)'")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = String(value.dropFirst().dropLast()) }
            values[key, default: []].append(value)
        }
    }

    init() {}

    func value(_ key: String) -> String? { values[key]?.last }
    func list(_ key: String) -> [String] { values[key] ?? [] }

    /// Keys the daemon does not know, so a typo is an error rather than a silently ignored setting.
    func unknownKeys(known: Set<String>) -> [String] {
        values.keys.filter { !known.contains($0) }.sorted()
    }
}
