import Foundation
import Parallelism
import Synchronization
import Testing

/// `run` must call part 0 on the caller and every other part once on its own helper, return only
/// after all have returned, whether the helpers were spinning or asleep, and refuse (calling
/// nothing) what it cannot run: more parts than helpers, or a second caller at once.
@Suite struct SpinningThreadsTests {
    @Test(arguments: [1, 2, 3])
    func runsPartZeroOnTheCallerAndEachOtherPartOnItsOwnHelper(parts: Int) {
        let threads = SpinningThreads(helpers: 2)
        let caller = Self.threadID()
        let calls = Mutex([UInt?](repeating: nil, count: parts))
        let running = Atomic(0)
        #expect(threads.run(parts: parts) { part in
            calls.withLock { $0[part] = Self.threadID() }
            running.add(1, ordering: .relaxed)
            // Each part waits for the others to start: they can only all finish side by side.
            while running.load(ordering: .relaxed) < parts {}
        })
        let threadIDs = calls.withLock { $0 }
        #expect(threadIDs[0] == caller)
        #expect(Set(threadIDs.compactMap { $0 }).count == parts, "each part on its own thread")
    }

    /// Loops in quick succession (the helper spinning) and after pauses longer than the spin (the
    /// helper asleep), and pauses around the spin's end, where a wake-up races the helper's sleep.
    @Test(arguments: [Duration.zero, .microseconds(40), .microseconds(60), .milliseconds(2)])
    func runsEveryLoopWhetherTheHelperSpinsOrSleeps(pause: Duration) {
        let threads = SpinningThreads(helpers: 1)
        let sum = Atomic(0)
        for loop in 1...200 {
            #expect(threads.run(parts: 2) { part in sum.add(loop * (part + 1), ordering: .relaxed) })
            if pause > .zero { Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18) }
        }
        #expect(sum.load(ordering: .relaxed) == 3 * (200 * 201 / 2))
    }

    @Test func refusesMorePartsThanHelpersAndASecondCaller() {
        let threads = SpinningThreads(helpers: 1)
        var called = false
        #expect(!threads.run(parts: 3) { _ in called = true })
        #expect(!called)
        let inner = Mutex([Bool]())
        #expect(threads.run(parts: 2) { part in
            guard part == 0 else { return }
            let ran = threads.run(parts: 2) { _ in inner.withLock { $0.append(true) } }
            inner.withLock { $0.append(ran) }
        })
        #expect(inner.withLock { $0 } == [false], "the nested call ran nothing and was refused")
    }

    private static func threadID() -> UInt {
        UInt(pthread_self())
    }
}
