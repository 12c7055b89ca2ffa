import Encoder
import Foundation
import ImageSearchCore
import Logging
import MilvusBackend
import SearchBackend

/// Every setting of the daemon, resolved from (in order of precedence) command-line flags, environment
/// variables (`IMAGESEARCHD_` + the option name in capitals, dashes as underscores) and the
/// configuration file (keys named like the options), then the defaults.
struct DaemonSettings {
    static let defaultConfigurationFile = "/etc/imagesearchd/imagesearchd.conf"

    var socket = "/run/imagesearchd/imagesearchd.sock"
    var socketMode: mode_t = 0o660
    var dataDirectory = "/var/lib/imagesearchd"
    var model = ModelLocator.defaultModelName
    /// Nil: the recipe the default collection was made with (retrieval for a new one).
    var embedding: EmbeddingRecipe?
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var maxImageBytes = 64 << 20
    var maxImagePixels = 100_000_000
    var index = IndexSpec()
    var matchRotations = true
    var verify = true
    var verifyCandidates = EngineConfiguration().verificationCandidates
    var logLevel = Logger.Level.info
    /// Set: the collections live in this Milvus server instead of the embedded index.
    var milvus: MilvusConfiguration?

    /// Setting names: the long options, the configuration file keys, the environment suffixes.
    static let keys: Set<String> = [
        "socket", "socket-mode", "data-dir", "model", "embedding", "threads", "max-image-bytes", "max-image-pixels",
        "index", "metric", "index-param", "match-rotations", "verify", "verify-candidates", "log-level", "milvus", "milvus-collection", "milvus-token", "milvus-database",
    ]

    init(options: DaemonOptions, environment: [String: String]) throws {
        let sources = SettingSources(options: options, environment: environment, file: try Self.configurationFile(options, environment))
        if let value = sources.value("socket") { socket = value }
        if let value = sources.value("socket-mode") { socketMode = try Self.parseMode(value) }
        if let value = sources.value("data-dir") { dataDirectory = value }
        if let value = sources.value("model") { model = value }
        if let value = sources.value("embedding") { embedding = try Self.parseEmbedding(value) }
        if let value = sources.value("threads") { threads = try Self.parsePositive(value, "threads") }
        if let value = sources.value("max-image-bytes") { maxImageBytes = try Self.parsePositive(value, "max-image-bytes") }
        if let value = sources.value("max-image-pixels") { maxImagePixels = try Self.parsePositive(value, "max-image-pixels") }
        if let value = sources.value("log-level") {
            guard let level = Logger.Level(rawValue: value) else {
                throw DaemonError(.invalidConfiguration, "log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(value)'")
            }
            logLevel = level
        }
        if let value = sources.value("match-rotations") { matchRotations = try Self.parseSwitch(value, "match-rotations") }
        if let value = sources.value("verify") { verify = try Self.parseSwitch(value, "verify") }
        if let value = sources.value("verify-candidates") { verifyCandidates = try Self.parsePositive(value, "verify-candidates", atMost: 1000) }
        index = try Self.parseIndex(kind: sources.value("index"), metric: sources.value("metric"), parameters: sources.list("index-param"))
        if let address = sources.value("milvus") {
            milvus = try Self.milvusConfiguration(address: address, sources: sources)
        }
    }

    private static func milvusConfiguration(address text: String, sources: SettingSources) throws -> MilvusConfiguration {
        let address: MilvusAddress
        do {
            address = try MilvusAddress(text)
        } catch {
            throw DaemonError(.invalidConfiguration, "milvus must be host:port or unix:PATH, not '\(text)'")
        }
        var configuration = MilvusConfiguration(address: address, token: sources.value("milvus-token"), database: sources.value("milvus-database"))
        if let collection = sources.value("milvus-collection") {
            configuration.collectionNames["default"] = collection
        }
        return configuration
    }

    /// The file named by --config or IMAGESEARCHD_CONFIG (which must exist), else the default path
    /// when it exists, else none.
    private static func configurationFile(_ options: DaemonOptions, _ environment: [String: String]) throws -> ConfigurationFile {
        let file: ConfigurationFile
        if let path = options.config ?? environment["IMAGESEARCHD_CONFIG"] {
            file = try ConfigurationFile(contentsOf: path)
        } else if FileManager.default.fileExists(atPath: defaultConfigurationFile) {
            file = try ConfigurationFile(contentsOf: defaultConfigurationFile)
        } else {
            file = ConfigurationFile()
        }
        let unknown = file.unknownKeys(known: keys)
        guard unknown.isEmpty else {
            throw DaemonError(.invalidConfiguration, "unknown configuration keys: \(unknown.joined(separator: ", ")); known keys: \(keys.sorted().joined(separator: ", "))")
        }
        return file
    }

    private static func parseMode(_ text: String) throws -> mode_t {
        guard let mode = mode_t(text, radix: 8), mode <= 0o777 else {
            throw DaemonError(.invalidConfiguration, "socket-mode must be an octal permission such as 0660, not '\(text)'")
        }
        return mode
    }

    private static func parseEmbedding(_ text: String) throws -> EmbeddingRecipe {
        guard let recipe = EmbeddingRecipe.named.first(where: { $0.key == text.lowercased() })?.value else {
            throw DaemonError(.invalidConfiguration, "embedding must be one of \(EmbeddingRecipe.named.map(\.key).joined(separator: ", ")), not '\(text)'")
        }
        return recipe
    }

    private static func parseSwitch(_ text: String, _ name: String) throws -> Bool {
        switch text.lowercased() {
        case "on", "true", "yes", "1": return true
        case "off", "false", "no", "0": return false
        default: throw DaemonError(.invalidConfiguration, "\(name) must be on or off, not '\(text)'")
        }
    }

    private static func parsePositive(_ text: String, _ name: String, atMost limit: Int = .max) throws -> Int {
        guard let value = Int(text), value > 0, value <= limit else {
            let range = limit == .max ? "a positive whole number" : "a whole number from 1 to \(limit)"
            throw DaemonError(.invalidConfiguration, "\(name) must be \(range), not '\(text)'")
        }
        return value
    }

    static func parseIndex(kind: String?, metric: String?, parameters: [String]) throws -> IndexSpec {
        var spec = IndexSpec()
        if let kind {
            guard let parsed = IndexSpec.Kind(rawValue: kind.uppercased()) else {
                throw DaemonError(.invalidConfiguration, "index must be one of \(IndexSpec.Kind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(kind)'")
            }
            spec.kind = parsed
        }
        if let metric {
            guard let parsed = Metric(rawValue: metric.uppercased()) else {
                throw DaemonError(.invalidConfiguration, "metric must be one of L2, IP, COSINE, not '\(metric)'")
            }
            spec.metric = parsed
        }
        for parameter in parameters {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1]) else {
                throw DaemonError(.invalidConfiguration, "index-param takes NAME=VALUE with a whole number (M=16, efConstruction=200, ef=64, nlist=1024, nprobe=16), not '\(parameter)'")
            }
            spec.parameters[String(parts[0])] = value
        }
        return spec
    }
}
