import Dispatch
import Foundation
import Synchronization

/// Threads for runs of short loops that follow each other closely, like the layers of a network
/// split over the cores (the encoder's `LayerSplit`): part 0 of every loop runs on the caller and
/// part i on helper i, which waits for the next loop by spinning, then sleeps.
///
/// Why not `concurrentPerform`: its helper thread, idle since the last search, started the first
/// layers' second parts late (about 1.7 layers a search started it more than 0.2 ms after the
/// call, on a 2-core VM). Why not `WorkerThreads`: a layer follows the last within microseconds,
/// so waking a helper through a semaphore for each of a network's 40 layers paid that wake 40
/// times (the network 14.3 → 15.1 ms), and a part that moves between threads from one layer to
/// the next leaves its rows in the other core's cache. Here a helper spins for `spinLimit` after
/// its part, far longer than the gap between two layers and far shorter than that between two
/// images, and always takes the same part.
public final class SpinningThreads: Sendable {
    /// One helper per processor besides the caller's.
    public static let shared = SpinningThreads(helpers: ProcessInfo.processInfo.activeProcessorCount - 1)

    /// How long a helper spins for the next loop before it sleeps, and a caller for its helpers
    /// before it yields its core to them.
    public static let spinLimit: Duration = .microseconds(50)

    private let helpers: [Helper]
    /// The loop being run; its generation changes for every loop.
    private let current = Mutex(Job(generation: 0, parts: 0, part: nil))
    /// `current`'s generation, read by spinning helpers without taking the lock.
    private let generation = Atomic<Int>(0)
    private let finishedParts = Atomic<Int>(0)
    /// Whether a caller is running a loop: one at a time.
    private let isRunning = Atomic<Bool>(false)

    /// Starts `helpers` threads, which run for the rest of the process.
    public init(helpers: Int) {
        self.helpers = (0..<max(0, helpers)).map { _ in Helper() }
        for (index, helper) in self.helpers.enumerated() {
            let thread = Thread { [self] in runParts(number: index + 1, helper: helper) }
            thread.name = "spinning-\(index + 1)"
            thread.start()
        }
    }

    /// Calls `part` with 0 on this thread and with 1..<parts on the helpers, and returns once all
    /// have returned; false, without calling it, when there are fewer helpers than that or another
    /// loop holds them (another thread's, or this one's: a call from inside a part). The caller then
    /// runs the parts another way.
    public func run(parts: Int, _ part: (Int) -> Void) -> Bool {
        precondition(parts >= 1, "a loop has at least one part")
        guard parts - 1 <= helpers.count, isRunning.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { isRunning.store(false, ordering: .releasing) }
        withoutActuallyEscaping(part) { part in
            finishedParts.store(0, ordering: .relaxed)
            let generation = current.withLock { job in
                job = Job(generation: job.generation + 1, parts: parts, part: part)
                return job.generation
            }
            self.generation.store(generation, ordering: .sequentiallyConsistent)
            for helper in helpers.prefix(parts - 1) { helper.wakeIfSleeping() }
            part(0)
            waitForHelpers(parts: parts - 1)
            current.withLock { $0.part = nil }
        }
        return true
    }

    /// Spins until `count` helper parts are done, yielding the core once that takes long (a helper
    /// that lost its core to another thread needs one to finish).
    private func waitForHelpers(parts count: Int) {
        let clock = ContinuousClock(), start = clock.now
        while finishedParts.load(ordering: .acquiring) < count {
            if clock.now - start > Self.spinLimit { sched_yield() }
        }
    }

    private func runParts(number: Int, helper: Helper) -> Never {
        var seen = 0
        while true {
            waitForLoop(after: seen, helper: helper)
            let (generation, ran) = runPart(number)
            seen = generation
            if ran { finishedParts.add(1, ordering: .releasing) }
        }
    }

    /// Runs part `number` of the current loop if it has one; the loop's generation, and whether it
    /// ran. The caller's closure is only taken for a part and is released on return, before the
    /// part counts as finished: `run` may then return and its closure must not outlive it.
    private func runPart(_ number: Int) -> (generation: Int, ran: Bool) {
        let (generation, part) = current.withLock { job in (job.generation, number < job.parts ? job.part : nil) }
        guard let part else { return (generation, false) }
        part(number)
        return (generation, true)
    }

    /// Returns once the generation is past `seen`: spinning for `spinLimit`, then asleep. Past, not
    /// just different: a helper may read a loop under the lock before `run` publishes its generation
    /// here, and must not take that loop for a new one once it has.
    private func waitForLoop(after seen: Int, helper: Helper) {
        let clock = ContinuousClock(), start = clock.now
        var spins = 0
        while generation.load(ordering: .sequentiallyConsistent) <= seen {
            spins += 1
            guard spins % 64 == 0, clock.now - start > Self.spinLimit else { continue }
            helper.sleep { self.generation.load(ordering: .sequentiallyConsistent) <= seen }
        }
    }

    /// A helper's sleep between runs of loops, and its wake-up for the next.
    private final class Helper: Sendable {
        private let isSleeping = Atomic<Bool>(false)
        private let wake = DispatchSemaphore(value: 0)

        /// Sleeps until `wakeIfSleeping`, unless `isIdle` is false once the helper counts as asleep.
        func sleep(while isIdle: () -> Bool) {
            isSleeping.store(true, ordering: .sequentiallyConsistent)
            if isIdle() {
                wake.wait()
            } else if !isSleeping.exchange(false, ordering: .sequentiallyConsistent) {
                wake.wait()  // a caller saw it asleep meanwhile and signalled: take that signal
            }
        }

        func wakeIfSleeping() {
            if isSleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
        }
    }

    private struct Job: @unchecked Sendable {
        let generation: Int
        let parts: Int
        /// The caller's closure, valid until `run` returns; nil once it has.
        var part: ((Int) -> Void)?
    }
}
