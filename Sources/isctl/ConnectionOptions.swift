import ArgumentParser
import Foundation

/// The options every subcommand shares: where the daemon is, and which collection to work on.
struct ConnectionOptions: ParsableArguments {
    static let defaultSocket = "/run/imagesearchd/imagesearchd.sock"
    static let socketVariable = "IMAGESEARCH_SOCKET"

    @Option(help: ArgumentHelp(
        "The daemon's Unix socket (default: $\(socketVariable), else \(defaultSocket)).", valueName: "path"))
    var socket: String?

    @Option(help: ArgumentHelp("The collection (default: the daemon's default collection).", valueName: "name"))
    var collection: String = ""

    /// The collection as a person reads it: the daemon's default collection is named "default".
    var collectionName: String {
        collection.isEmpty ? "default" : collection
    }

    /// The flag, else the environment, else the daemon's default path; an empty variable counts as unset.
    var socketPath: String {
        if let socket { return socket }
        if let path = ProcessInfo.processInfo.environment[Self.socketVariable], !path.isEmpty { return path }
        return Self.defaultSocket
    }
}
