import CFloatControl
import Dispatch
import Parallelism

/// How many threads one forward pass spreads each layer over.
///
/// A batch is spread over its images, with no waiting between threads. A lone image (a search's
/// query) would leave every core but one idle, so its layers are cut into parts instead: the first
/// on the caller, the others on `SpinningThreads`' helpers, which spin between layers (or, when those
/// are busy with another image or too few, on `concurrentPerform`). Each part computes its outputs
/// with the arithmetic of the whole layer, so the features do not depend on the split.
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
    /// when there are several parts, and returns when all are done. `part` is below `parts`. A helper
    /// thread runs its part with denormals flushed, as the caller does, and gets its state back.
    func run(over units: Range<Int>, _ body: (_ part: Int, _ units: Range<Int>) -> Void) {
        let count = min(parts, units.count)
        guard count > 1 else {
            body(0, units)
            return
        }
        // The parts write disjoint outputs through the pointers `body` holds, and both ways of running
        // them return only when every part is done, so `body` is safe to share although not `Sendable`.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            let runPart: @Sendable (Int) -> Void = { part in
                let saved = flushDenormalsToZero()
                defer { restoreFloatControl(saved) }
                let start = units.lowerBound + part * units.count / count
                let end = units.lowerBound + (part + 1) * units.count / count
                body(part, start..<end)
            }
            guard !SpinningThreads.shared.run(parts: count, runPart) else { return }
            DispatchQueue.concurrentPerform(iterations: count, execute: runPart)
        }
    }
}
