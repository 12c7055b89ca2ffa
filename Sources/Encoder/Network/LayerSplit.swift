import CFloatControl
import Dispatch

/// How many threads one forward pass spreads each layer over.
///
/// A batch is spread over its images, with no waiting between threads. A lone image (a search's
/// query) would leave every core but one idle, so its layers are cut into parts instead, each part
/// taken by whichever thread is free: the caller, or a pool thread. Each part computes its outputs
/// with the arithmetic of the whole layer, so the features do not depend on the split.
///
/// The parts run on `concurrentPerform`, unlike the searches' other splits (`WorkerThreads`): a
/// layer follows the last within a fraction of a millisecond, while its helper thread is still
/// awake, and `WorkerThreads` waking its helper for each layer took the network from 14.3 to
/// 15.1 ms.
struct LayerSplit: Sendable {
    let parts: Int

    static let serial = LayerSplit(parts: 1)

    /// The fraction of `units` equal units that the largest part takes (1 for none).
    func largestShare(of units: Int) -> Double {
        let count = min(parts, units)
        guard count > 1 else { return 1 }
        return Double((units + count - 1) / count) / Double(units)
    }

    /// Runs `body` on each part's share of `units` (contiguous, as even as possible), concurrently
    /// when there are several parts, and returns when all are done. `part` is below `parts`. A pool
    /// thread runs its part with denormals flushed, as the caller does, and gets its state back.
    func run(over units: Range<Int>, _ body: (_ part: Int, _ units: Range<Int>) -> Void) {
        let count = min(parts, units.count)
        guard count > 1 else {
            body(0, units)
            return
        }
        // The parts write disjoint outputs through the pointers `body` holds, and `concurrentPerform`
        // returns only when every part is done, so `body` is safe to share although not `Sendable`.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: count) { part in
                let saved = flushDenormalsToZero()
                defer { restoreFloatControl(saved) }
                let start = units.lowerBound + part * units.count / count
                let end = units.lowerBound + (part + 1) * units.count / count
                body(part, start..<end)
            }
        }
    }
}
