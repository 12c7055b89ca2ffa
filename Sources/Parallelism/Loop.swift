import Dispatch
import Synchronization

/// One `WorkerThreads.perform` call: its iterations are taken one at a time by whichever threads
/// run it, and its caller waits until the last has returned.
///
/// `body` is the caller's closure, which must not outlive the call: a helper reads it only after
/// taking an iteration, which the caller waits for, and drops it before counting that iteration
/// done; once all are done the loop forgets it, so no reference remains when `perform` returns.
final class Loop: @unchecked Sendable {
    private let iterations: Int
    private let next = Atomic(0)
    private let finished = Atomic(0)
    private let done = DispatchSemaphore(value: 0)
    /// Guarded by `lock`.
    private var body: ((Int) -> Void)?
    private let lock = Mutex(())

    init(iterations: Int, body: @escaping (Int) -> Void) {
        self.iterations = iterations
        self.body = body
    }

    /// Takes and runs iterations until none is left.
    func runIterations() {
        while case let index = next.wrappingAdd(1, ordering: .relaxed).oldValue, index < iterations {
            run(index)
            if finished.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == iterations { done.signal() }
        }
    }

    /// Waits until every iteration has returned, then forgets `body`.
    func waitUntilDone() {
        done.wait()
        lock.withLock { _ in body = nil }
    }

    private func run(_ index: Int) {
        let body = lock.withLock { _ in self.body }
        body!(index)
    }
}
