import ImageSearchProtos
import Synchronization

/// The files of one AddImages call in the order they were taken, until each is accounted for. The
/// daemon answers for the images in the order they were sent, without naming the file, so its
/// results are matched to the oldest files not yet answered for. A file that could not be read here
/// waits its turn, so outcomes are reported in the order of the files.
final class UploadQueue: Sendable {
    private enum Entry: Sendable {
        case sent(ImageFile)
        case failed(FileOutcome)
    }

    private let report: AddReport
    /// Every file taken so far, and how many of them, from the front, are reported.
    private let state = Mutex<(entries: [Entry], reported: Int)>(([], 0))

    init(report: AddReport) {
        self.report = report
    }

    /// How many files, from the front, are accounted for: acknowledged, or failed here.
    var reportedCount: Int {
        state.withLock { $0.reported }
    }

    /// `file` is in a message to the daemon.
    func sent(_ file: ImageFile) {
        state.withLock { $0.entries.append(.sent(file)) }
    }

    /// `file` could not be read here, so it fails without going to the daemon.
    func failedLocally(_ file: ImageFile, _ error: CLIError) {
        let outcome = FileOutcome(file, failure: FileOutcome.Failure(reason: error.code.rawValue, message: error.message))
        state.withLock { state in
            state.entries.append(.failed(outcome))
            reportReady(&state)
        }
    }

    /// The daemon's result for the oldest image it has not answered for yet.
    func acknowledge(_ result: Imagesearch_V1_AddResult) throws {
        try state.withLock { state in
            reportReady(&state)
            guard state.reported < state.entries.count, case .sent(let file) = state.entries[state.reported] else {
                throw CLIError(.requestFailed, "the daemon answered for more images than were sent")
            }
            report.record(FileOutcome(file, result: result))
            state.reported += 1
            reportReady(&state)
        }
    }

    /// After the call ended normally: an image the daemon never answered for counts as failed.
    func finish() {
        state.withLock { state in
            for entry in state.entries[state.reported...] {
                switch entry {
                case .failed(let outcome):
                    report.record(outcome)
                case .sent(let file):
                    let failure = FileOutcome.Failure(reason: "not_acknowledged", message: "the daemon ended the call without a result for this image")
                    report.record(FileOutcome(file, failure: failure))
                }
            }
            state.reported = state.entries.count
        }
    }

    /// Reports the local failures at the front, which wait for nothing.
    private func reportReady(_ state: inout (entries: [Entry], reported: Int)) {
        while state.reported < state.entries.count, case .failed(let outcome) = state.entries[state.reported] {
            report.record(outcome)
            state.reported += 1
        }
    }
}
