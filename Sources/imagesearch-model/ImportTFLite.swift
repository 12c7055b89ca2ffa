import ArgumentParser
import Foundation
import ModelImport

struct ImportTFLite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-tflite",
        abstract: "Convert a MobileNetV2 1.0/224 TensorFlow Lite file (float or uint8-quantized; dequantized here).")

    @Argument(help: "Path to the .tflite file.")
    var model: String

    @Option(name: .shortAndLong, help: "Directory to write the model package into.")
    var output: String

    @Option(help: "Where the file came from, recorded in the manifest.")
    var source = "TensorFlow Lite MobileNetV2 1.0/224"

    func run() async throws {
        let manifest = try MobileNetV2Import.convert(tflite: model, to: URL(fileURLWithPath: output), source: source)
        print("wrote \(manifest.name) to \(output) (weights sha256 \(manifest.weights.sha256))")
    }
}
