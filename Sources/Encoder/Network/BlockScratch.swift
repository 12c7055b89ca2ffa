/// The per-worker memory a block needs besides its input and output: expanded activations (a ring of
/// padded rows, or whole padded images), pointers to the rows the depthwise layer reads, and the
/// depthwise output.
final class BlockScratch: @unchecked Sendable {
    let expanded: FloatBuffer
    let filtered: FloatBuffer
    let rows: UnsafeMutablePointer<UnsafeMutablePointer<Float>>

    init(expandedCount: Int, filteredCount: Int, maxKernelSize: Int) {
        expanded = FloatBuffer(count: expandedCount)
        filtered = FloatBuffer(count: filteredCount)
        rows = .allocate(capacity: maxKernelSize)
        rows.initialize(repeating: expanded.pointer, count: maxKernelSize)
    }

    deinit { rows.deallocate() }
}
