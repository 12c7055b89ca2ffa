/// Image names that a careless expression builder would break (isctl uses file paths as names, and
/// a path may hold any of these).
enum AwkwardNames {
    /// Names every Milvus server matches exactly.
    static let portable = [
        #"/photos/say "cheese".jpg"#, #"C:\photos\back\slash.jpg"#, #"ends with backslash\"#, #"\""#,
        "it's.jpg", "tab\there.jpg", "unicode é ü 日本 🙂.jpg", "percent % and underscore _.jpg",
        "dollar $x and {braces} [brackets].jpg", "control \u{01} char.jpg", "  spaces  ", "",
    ]

    /// Names with line breaks: Milvus matches them, Milvus Lite 2.5 cannot (its expression parser
    /// rejects raw line breaks and does not understand `\n`).
    static let lineBreaks = ["line\nbreak.jpg", "carriage\rreturn.jpg", "both\r\n.jpg"]
}
