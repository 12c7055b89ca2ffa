import Foundation
import Parallelism
import Synchronization
import Testing

/// `run` must call part 0 on the caller and every other part once on its own helper, return only
/// after all have returned, whether the helpers were spinning or asleep and however many parts
/// each loop has, and refuse (calling nothing) what it cannot run: more parts than helpers, or a
/// loop started from inside a part. A lost or repeated part would hang `run`, hence the limit.
@Suite(.timeLimit(.minutes(1))) struct SpinningThreadsTests {
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

    /// Loops back to back (the helpers spinning), paused about as long as the spin (a wake-up racing
    /// a helper's sleep) and paused longer (the helpers asleep), with one, two or three parts in
    /// turn, so that a helper is needed by some loops and not by the next.
    @Test(arguments: [Duration.zero, .microseconds(50), .milliseconds(2)])
    func runsEachPartOfEveryLoopOnce(pause: Duration) {
        let threads = SpinningThreads(helpers: 2)
        for loop in 0..<300 {
            let parts = [2, 3, 1, 3][loop % 4]
            let calls = Mutex([Int](repeating: 0, count: parts))
            #expect(threads.run(parts: parts) { part in calls.withLock { $0[part] += 1 } })
            #expect(calls.withLock { $0 } == [Int](repeating: 1, count: parts), "loop \(loop)")
            if pause > .zero { Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18) }
        }
    }

    @Test func refusesMorePartsThanHelpersAndALoopStartedInsideAPart() {
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
