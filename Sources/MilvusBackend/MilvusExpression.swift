/// Milvus boolean expressions (the filter of Query and Delete) for the lookups the backend makes, with
/// values quoted so that any name matches literally.
enum MilvusExpression {
    /// Most values one `in [...]` list carries, so that expressions stay small.
    static let maxListCount = 1_000

    /// `values` cut into pieces of at most `maxListCount`, one `in [...]` list each.
    static func lists<Value>(_ values: [Value]) -> [ArraySlice<Value>] {
        stride(from: 0, to: values.count, by: maxListCount).map { values[$0..<min($0 + maxListCount, values.count)] }
    }

    static func equals(_ field: String, _ value: String) -> String {
        "\(field) == \(literal(value))"
    }

    static func oneOf(_ field: String, _ values: some Sequence<String>) -> String {
        "\(field) in [\(values.map(literal).joined(separator: ", "))]"
    }

    static func oneOf(_ field: String, _ values: some Sequence<Int64>) -> String {
        "\(field) in [\(values.map(String.init).joined(separator: ", "))]"
    }

    /// A double-quoted string literal. Milvus's grammar forbids a raw `"`, `\`, line feed or carriage
    /// return inside one, so those are escaped Go-style (`\"`, `\\`, `\n`, `\r`); everything else,
    /// other control characters and non-ASCII text included, is allowed as is. (Milvus Lite 2.5
    /// understands only the `\"` and `\\` escapes: there, names containing a line break cannot be
    /// looked up.)
    static func literal(_ value: String) -> String {
        var quoted = "\""
        for character in value.unicodeScalars {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            default: quoted.unicodeScalars.append(character)
            }
        }
        return quoted + "\""
    }
}
