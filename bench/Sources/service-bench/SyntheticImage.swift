/// How populated images are named: `synthetic-N`, N being the row of the vector (from 0) in the order
/// inserted, which is also its row in the float32 file FAISS reads, so results compare by row.
enum SyntheticImage {
    static let namePrefix = "synthetic-"

    static func name(row: Int) -> String { "\(namePrefix)\(row)" }

    /// The row of a populated image; nil for any other (a real photo added through isctl).
    static func row(named name: String) -> Int? {
        name.hasPrefix(namePrefix) ? Int(name.dropFirst(namePrefix.count)) : nil
    }

    /// A content hash no real image has: 64 hex digits, as the store expects of a SHA-256, holding the row.
    static func contentHash(row: Int) -> String {
        let hex = String(row, radix: 16)
        return String(repeating: "0", count: 64 - hex.count) + hex
    }
}
