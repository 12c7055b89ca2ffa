import Synchronization

/// The account of an `add` as the daemon acknowledges files: the counts and failures for the
/// summary, the progress bar, and with `--json` one line per file, flushed at once so a reader sees
/// each file as soon as it is stored.
final class AddReport: Sendable {
    private let printsJSON: Bool
    private let progress: ProgressBar?
    private let tally = Mutex<(added: Int, unchanged: Int, failures: [(path: String, failure: FileOutcome.Failure)])>((0, 0, []))

    init(printsJSON: Bool, progress: ProgressBar?) {
        self.printsJSON = printsJSON
        self.progress = progress
    }

    func record(_ outcome: FileOutcome) {
        tally.withLock { tally in
            switch outcome.status {
            case .added: tally.added += 1
            case .unchanged: tally.unchanged += 1
            case .failed(let failure): tally.failures.append((outcome.path, failure))
            }
        }
        progress?.advance(failed: outcome.isFailure)
        if printsJSON {
            print(outcome.json.text)
            Console.flushOutput()
        }
    }

    var hasFailures: Bool {
        tally.withLock { !$0.failures.isEmpty }
    }

    /// Whether any file is accounted for yet.
    var hasOutcomes: Bool {
        tally.withLock { $0.added + $0.unchanged + $0.failures.count > 0 }
    }

    /// `added N, unchanged N, failed N, skipped N (not images)`, then one line per failure.
    func summary(skipped: Int) -> String {
        tally.withLock { tally in
            let counts = "added \(tally.added), unchanged \(tally.unchanged), failed \(tally.failures.count), skipped \(skipped) (not images)"
            let failures = tally.failures.map { "  \($0.path): \($0.failure.reason): \($0.failure.message)" }
            return ([counts] + failures).joined(separator: "\n")
        }
    }
}
