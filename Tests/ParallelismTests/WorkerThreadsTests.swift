import Foundation
import Parallelism
import Synchronization
import Testing

/// `perform` must call its body once per index, on more than one thread when it has helpers, and
/// return only after every call has returned, also when several callers share the helpers.
@Suite struct WorkerThreadsTests {
    @Test(arguments: [0, 1, 2, 3, 40, 1000])
    func callsEachIndexOnce(iterations: Int) {
        let threads = WorkerThreads(helpers: 3)
        let calls = Mutex([Int](repeating: 0, count: iterations))
        threads.perform(iterations: iterations) { index in calls.withLock { $0[index] += 1 } }
        #expect(calls.withLock { $0 } == [Int](repeating: 1, count: iterations))
    }

    @Test func runsIterationsOnHelpersTooAndWaitsForThem() {
        let threads = WorkerThreads(helpers: 1)
        let caller = Self.threadID()
        let running = Atomic(0), finished = Atomic(0)
        let threadIDs = Mutex(Set<UInt>())
        threads.perform(iterations: 2) { _ in
            threadIDs.withLock { _ = $0.insert(Self.threadID()) }
            running.add(1, ordering: .relaxed)
            // Each iteration waits for the other to start: they can only both finish side by side.
            while running.load(ordering: .relaxed) < 2 {}
            finished.add(1, ordering: .relaxed)
        }
        #expect(finished.load(ordering: .relaxed) == 2)
        #expect(threadIDs.withLock { $0 }.count == 2)
        #expect(threadIDs.withLock { $0 }.contains(caller))
    }

    @Test func servesSeveralCallersAtOnce() async {
        let threads = WorkerThreads(helpers: 2)
        let sums = await withTaskGroup(of: Int.self) { group in
            for caller in 1...8 {
                group.addTask {
                    let sum = Atomic(0)
                    threads.perform(iterations: 100) { index in sum.add(index * caller, ordering: .relaxed) }
                    return sum.load(ordering: .relaxed) / caller
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sums == [Int](repeating: 4950, count: 8))
    }

    private static func threadID() -> UInt {
        UInt(pthread_self())
    }
}
