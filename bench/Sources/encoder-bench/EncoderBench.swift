import ArgumentParser

/// The Swift side of `bench/encoder`: times the encoder the way the benchmark script asks and prints
/// one JSON object per measurement.
@main
struct EncoderBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encoder-bench",
        abstract: "Time the native encoder (network and image preprocessing).",
        subcommands: [NetworkTiming.self, DecodeTiming.self, MatchTiming.self])
}
