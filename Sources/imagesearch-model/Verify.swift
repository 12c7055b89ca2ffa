import ArgumentParser
import Encoder
import Foundation

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a model package the way imagesearchd does and report what it holds.")

    @Argument(help: "Model package directory.")
    var directory: String

    func run() async throws {
        let encoder = try ImageEncoder(modelDirectory: URL(fileURLWithPath: directory))
        let manifest = encoder.manifest
        print("\(manifest.name): \(manifest.architecture), \(encoder.dimension)-d, preprocessing \(manifest.preprocessing.mode.rawValue), weights sha256 \(manifest.weights.sha256)")
    }
}
