import ArgumentParser
import Encoder
import Foundation
import ImageSearchCore

struct NetworkTiming: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network", abstract: "Median milliseconds per image of the forward pass, and resident memory.")

    @Option(help: "Model name or package directory.") var model = ModelLocator.defaultModelName
    @Option(help: "Threads.") var threads = 1
    @Option(help: "Images per call.") var batch = 1
    @Option(help: "Timed calls after warm-up.") var runs = 30
    @Option(help: "A float32 file of N×224×224×3 inputs to time and to write features for (else random inputs).")
    var inputs: String?
    @Option(help: "Write the features of --inputs here (float32, N×dimension).") var features: String?

    func run() async throws {
        let encoder = try ImageEncoder(modelDirectory: try ModelLocator.locate(model), threads: threads)
        let residentAfterLoad = ResidentMemory.current()
        let batchInputs = try loadInputs(count: encoder.inputCount)
        if let features {
            let vectors = encoder.features(for: batchInputs).flatMap { $0 }
            try vectors.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: features))
        }
        let batchMilliseconds = MedianTiming.milliseconds(runs: runs, warmUp: 3) { _ = encoder.features(for: batchInputs) }
        let steadyResident = ResidentMemory.current()
        let result: [String: Any] = [
            "threads": threads, "batch": batchInputs.count, "ms_per_image": batchMilliseconds / Double(batchInputs.count),
            "rss_mb_after_load": residentAfterLoad / 1_048_576, "rss_mb_steady": steadyResident / 1_048_576,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }

    private func loadInputs(count: Int) throws -> [[Float]] {
        guard let inputs else {
            var generator = SystemRandomNumberGenerator()
            return (0..<batch).map { _ in (0..<count).map { _ in Float.random(in: -1...1, using: &generator) } }
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: inputs))
        let floats = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return stride(from: 0, to: floats.count, by: count).map { Array(floats[$0..<$0 + count]) }
    }
}
