/// The version reported by `Stats` and `--version`.
public enum ImageSearchVersion {
    public static let current = "0.1.0"
}
