import Foundation

/// Finds an installed model by name, so the daemon and tools work without a `--model` flag once the
/// set-up has run. Directories searched, first match wins:
/// 1. `$IMAGESEARCH_MODELS` (a directory of model packages), when set;
/// 2. `$XDG_DATA_HOME/imagesearchd/models` (default `~/.local/share/imagesearchd/models`), where
///    `scripts/setup` installs them;
/// 3. `/usr/local/share/imagesearchd/models`, then `/usr/share/imagesearchd/models` (system installs).
public enum ModelLocator {
    public static let defaultModelName = "efficientnet-lite0"

    public static func searchPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        var paths: [URL] = []
        if let explicit = environment["IMAGESEARCH_MODELS"], !explicit.isEmpty {
            paths.append(URL(fileURLWithPath: explicit))
        }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        paths.append(URL(fileURLWithPath: dataHome).appendingPathComponent("imagesearchd/models"))
        paths.append(URL(fileURLWithPath: "/usr/local/share/imagesearchd/models"))
        paths.append(URL(fileURLWithPath: "/usr/share/imagesearchd/models"))
        return paths
    }

    /// The directory for `nameOrPath`: a path to a package directory is used as is; a name is looked up
    /// along `searchPath`. The error lists every place tried.
    public static func locate(_ nameOrPath: String = defaultModelName, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if nameOrPath.contains("/") {
            return URL(fileURLWithPath: nameOrPath)
        }
        let candidates = searchPath(environment: environment).map { $0.appendingPathComponent(nameOrPath) }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent(ModelManifest.fileName).path) }) {
            return found
        }
        throw ModelError(.modelNotFound, "model '\(nameOrPath)' is not installed; looked in \(candidates.map(\.path).joined(separator: ", ")). Run scripts/setup (or scripts/fetch-models) to install it, or pass a model directory.")
    }
}
