import ArgumentParser
import Encoder
import Foundation

@main
struct EncoderBench: AsyncParsableCommand {
    @Option var model = ModelLocator.defaultModelName
    @Option var threads = 1
    @Option var batch = 1
    @Option var runs = 30

    func run() async throws {
        let encoder = try ImageEncoder(modelDirectory: try ModelLocator.locate(model), threads: threads)
        let inputs: [[Float]] = (0..<batch).map { seed in
            (0..<encoder.inputCount).map { (index: Int) -> Float in Float((index * 7 + seed) % 255) / 128 - 1 }
        }
        for _ in 0..<3 { _ = encoder.features(for: inputs) }
        var times: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            _ = encoder.features(for: inputs)
            let elapsed = ContinuousClock.now - start
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            times.append(milliseconds / Double(batch))
        }
        times.sort()
        print(String(format: "median %.3f ms per image", times[times.count / 2]))
    }
}
