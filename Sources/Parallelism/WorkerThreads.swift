import Dispatch
import Foundation
import Synchronization

/// Threads of this process's own that run the iterations of a loop together with its caller, like
/// `DispatchQueue.concurrentPerform`.
///
/// Why not `concurrentPerform`: on Linux its helper thread, once idle, came back 1–1.5 ms after the
/// call unless the caller had just used it (measured on a 2-core VM: a search's index scan, 3 ms
/// on one thread, got its second thread 1.2 ms late). A thread here waits on a semaphore and starts
/// within tens of microseconds.
public final class WorkerThreads: Sendable {
    /// One per processor: the caller takes part, so a loop runs on all of them.
    public static let shared = WorkerThreads(helpers: ProcessInfo.processInfo.activeProcessorCount - 1)

    /// Loops waiting for a helper, once for each helper they asked for, oldest first.
    private let waiting = Mutex<[Loop]>([])
    private let work = DispatchSemaphore(value: 0)
    private let helpers: Int

    /// Starts `helpers` threads, which run for the rest of the process.
    public init(helpers: Int) {
        self.helpers = max(0, helpers)
        for index in 0..<self.helpers {
            let thread = Thread { [self] in helpLoops() }
            thread.name = "worker-\(index)"
            thread.start()
        }
    }

    /// Calls `body` with each index below `iterations`, on the calling thread and on up to
    /// `iterations − 1` helpers at once, each taking the next index nobody has taken; returns when
    /// every call has returned.
    public func perform(iterations: Int, _ body: (Int) -> Void) {
        let helping = min(helpers, iterations - 1)
        guard helping > 0 else {
            for index in 0..<iterations { body(index) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let loop = Loop(iterations: iterations, body: body)
            waiting.withLock { $0 += Array(repeating: loop, count: helping) }
            for _ in 0..<helping { work.signal() }
            loop.runIterations()
            loop.waitUntilDone()
        }
    }

    private func helpLoops() -> Never {
        while true {
            work.wait()
            waiting.withLock { $0.removeFirst() }.runIterations()
        }
    }
}
