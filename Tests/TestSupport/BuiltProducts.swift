import Foundation

/// The executables built next to the test binary (`swift build --build-tests` builds them all).
public enum BuiltProducts {
    public static var directory: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // The test runner lives in <build>/<name>.xctest on Linux; the products sit beside it.
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("imagesearchd").path), url.path != "/" {
            url = url.deletingLastPathComponent()
        }
        return url
    }

    public static var imagesearchd: URL { directory.appendingPathComponent("imagesearchd") }
    public static var isctl: URL { directory.appendingPathComponent("isctl") }
}
