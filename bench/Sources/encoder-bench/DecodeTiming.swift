import ArgumentParser
import Encoder
import Foundation
import Imaging
import LocalFeatures

struct DecodeTiming: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: """
            Median milliseconds from encoded file bytes to the normalised network input; of finding the \
            local features an add stores, in the decoded image; and of libjpeg-turbo alone at 1/4 and 1/8 scale.
            """)

    @Argument(help: "Image file.") var image: String
    @Option(help: "Model name or package directory (its preprocessing is used).") var model = ModelLocator.defaultModelName
    @Option(help: "Preprocessing mode: center-crop or whole-image (default: the model's).") var mode: String?
    @Option(help: "Timed runs after warm-up.") var runs = 100

    func run() async throws {
        let package = try ModelPackage(directory: try ModelLocator.locate(model))
        var preprocessing = package.manifest.preprocessing
        if let mode {
            guard let selected = Preprocessing.Mode(rawValue: mode) else { throw ValidationError("unknown mode \(mode)") }
            preprocessing.mode = selected
        }
        let preprocessor = Preprocessor(preprocessing)
        let data = try Data(contentsOf: URL(fileURLWithPath: image))
        var tensor = [Float](repeating: 0, count: preprocessor.inputCount)
        let decodeMilliseconds = try MedianTiming.milliseconds(runs: runs) {
            try data.withUnsafeBytes { bytes in
                try tensor.withUnsafeMutableBufferPointer { try preprocessor.write(from: bytes, into: $0.baseAddress!) }
            }
        }
        let decoded = try data.withUnsafeBytes { try preprocessor.decoded(from: $0) }
        let extractor = LocalFeatureExtractor()
        let featuresMilliseconds = MedianTiming.milliseconds(runs: runs) { _ = extractor.featuresAsIsAndMirrored(of: decoded) }
        let floor = TurboJPEGFloor(data: data)
        let result: [String: Any] = [
            "decode_ms": decodeMilliseconds, "local_features_ms": featuresMilliseconds, "mode": preprocessing.mode.rawValue,
            "turbojpeg_quarter_ms": try floor.milliseconds(denominator: 4, runs: runs),
            "turbojpeg_eighth_ms": try floor.milliseconds(denominator: 8, runs: runs),
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}
