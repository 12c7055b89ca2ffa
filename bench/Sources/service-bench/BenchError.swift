/// A failure to report as is: ArgumentParser prints it without the usage text, which is for mistakes
/// in the command line, not in the data directory.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
