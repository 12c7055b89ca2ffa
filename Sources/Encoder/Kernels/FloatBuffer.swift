/// A zero-initialised, 64-byte-aligned block of floats that lives as long as its owner.
///
/// Activations and packed weights sit in these so that SIMD loads never straddle a cache line and the
/// forward pass allocates nothing once its buffers exist.
final class FloatBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * 4, alignment: 64)
        raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 16))
        pointer = raw.assumingMemoryBound(to: Float.self)
    }

    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        pointer.update(from: values, count: values.count)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
