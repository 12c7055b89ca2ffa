import Foundation
import Synchronization

/// One line on standard error while `add` runs on a terminal: a bar, done/total, percent, images per
/// second, the time left and the failures so far. It is redrawn ten times a second from the counts,
/// not once per image, so a fast run spends no time on the terminal and a slow one still shows the
/// clock moving.
final class ProgressBar: Sendable {
    private let total: Int
    private let start = ContinuousClock.now
    private let counts = Mutex<(done: Int, failed: Int)>((0, 0))

    init(total: Int) {
        self.total = total
    }

    /// Sets the count done, for work whose progress the daemon reports.
    func update(done: Int) {
        counts.withLock { $0.done = done }
    }

    func advance(failed: Bool) {
        counts.withLock { counts in
            counts.done += 1
            if failed { counts.failed += 1 }
        }
    }

    /// Runs `body` with the line kept up to date, then erases it for the summary.
    func showing<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        defer { Console.error("\r\u{1B}[K") }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.redrawUntilCancelled() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    private func redrawUntilCancelled() async {
        while !Task.isCancelled {
            Console.error("\r" + line(width: Console.errorColumns) + "\u{1B}[K")
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The figures are padded to fixed widths, so the bar keeps its length and the line does not jitter.
    private func line(width: Int) -> String {
        let (done, failed) = counts.withLock { ($0.done, $0.failed) }
        let elapsed = (ContinuousClock.now - start) / .seconds(1)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? HumanFormat.clock(Double(total - done) / rate) : "-:--"
        let percent = total > 0 ? done * 100 / total : 100
        let count = String(done).leftPadded(to: String(total).count) + "/\(total)"
        let figures = "\(count) \(String(percent).leftPadded(to: 3))%  \(String(format: "%6.1f", rate)) img/s  ETA \(eta.leftPadded(to: 5))  \(failed) failed"
        let barWidth = min(30, width - figures.count - 4)
        guard barWidth >= 10 else { return String(figures.prefix(max(width - 1, 0))) }
        let filled = total > 0 ? barWidth * done / total : barWidth
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "] " + figures
    }
}
