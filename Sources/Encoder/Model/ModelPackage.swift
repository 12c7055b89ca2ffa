import Crypto
import Foundation

/// A converted model on disk: a directory holding `model.json` (the manifest) and the weights file it
/// names, in safetensors format. The only form of model the encoder loads.
public struct ModelPackage: Sendable {
    public static let weightsFileName = "weights.safetensors"

    public let directory: URL
    public let manifest: ModelManifest
    public let tensors: [String: Tensor]

    /// Reads and checks a model directory: manifest present and valid, weights present, complete and
    /// with the recorded checksum, and an architecture this build implements.
    public init(directory: URL) throws {
        self.directory = directory
        let manifestURL = directory.appendingPathComponent(ModelManifest.fileName)
        guard let manifestData = FileManager.default.contents(atPath: manifestURL.path) else {
            throw ModelError(.modelNotFound, "no model at \(directory.path): \(ModelManifest.fileName) is missing (run scripts/setup to fetch the default model)")
        }
        do {
            manifest = try JSONDecoder().decode(ModelManifest.self, from: manifestData)
        } catch {
            throw ModelError(.invalidManifest, "\(manifestURL.path) is not a valid model manifest: \(error)")
        }
        guard NetworkArchitecture.named(manifest.architecture) != nil else {
            throw ModelError(.unsupportedArchitecture, "\(manifestURL.path) names architecture '\(manifest.architecture)'; supported: efficientnet-lite0, mobilenet-v2")
        }
        let weightsURL = directory.appendingPathComponent(manifest.weights.file)
        guard let weights = FileManager.default.contents(atPath: weightsURL.path) else {
            throw ModelError(.weightsMissing, "\(weightsURL.path) is missing; re-run the model set-up")
        }
        guard weights.count == manifest.weights.byteCount else {
            throw ModelError(.weightsCorrupt, "\(weightsURL.path) is \(weights.count) bytes, the manifest expects \(manifest.weights.byteCount); the file is truncated or replaced")
        }
        let digest = Self.sha256(of: weights)
        guard digest == manifest.weights.sha256 else {
            throw ModelError(.weightsChecksumMismatch, "\(weightsURL.path) has SHA-256 \(digest), the manifest expects \(manifest.weights.sha256); the file is damaged or belongs to another model")
        }
        tensors = try SafetensorsFile.decode(weights, path: weightsURL.path).tensors
    }

    /// Writes `tensors` and a manifest (its `weights` field filled in here) into `directory`.
    /// Files are written to temporary names and renamed, so an interrupted write leaves no half model.
    @discardableResult
    public static func write(
        manifest: ModelManifest, tensors: [(name: String, tensor: Tensor)], to directory: URL
    ) throws -> ModelManifest {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let weights = try SafetensorsFile.encode(tensors, metadata: ["model": manifest.name])
        var manifest = manifest
        manifest.weights = .init(file: weightsFileName, sha256: sha256(of: weights), byteCount: weights.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try replace(directory.appendingPathComponent(weightsFileName), with: weights)
        try replace(directory.appendingPathComponent(ModelManifest.fileName), with: try encoder.encode(manifest))
        return manifest
    }

    public static func sha256(of data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    private static func replace(_ url: URL, with data: Data) throws {
        let temporary = url.appendingPathExtension("partial")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
