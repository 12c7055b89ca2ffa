import ArgumentParser

/// The Swift side of `bench/service`: builds collections offline through the embedded backend (a
/// 10k-image collection through the encoder would take minutes) and times what the daemon's storage
/// and exact search cost on their own, without the transport and the encoder.
@main
struct ServiceBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service-bench",
        abstract: "Populate collections and time the embedded backend, for bench/service.",
        subcommands: [PopulateCommand.self, SearchTimingCommand.self, StoreTimingCommand.self])
}
