extension String {
    /// The string with spaces in front up to `width` characters, for right-aligned columns.
    func leftPadded(to width: Int) -> String {
        String(repeating: " ", count: max(width - count, 0)) + self
    }
}
