/// `label  value` lines with the values aligned, for the human output of `get`, `embed` and `stats`.
enum LabeledLines {
    static func render(_ rows: [(label: String, value: String)]) -> String {
        let width = (rows.map(\.label.count).max() ?? 0) + 2
        let indent = "\n" + String(repeating: " ", count: width)
        return rows.map { row in
            row.label + String(repeating: " ", count: width - row.label.count)
                + row.value.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: indent)
        }
        .joined(separator: "\n")
    }
}
