/// A vector of floats a kernel works in: `SIMD16` where the CPU has AVX-512's 32 registers, `SIMD8`
/// where it has AVX2's 16 (a `SIMD16` takes two of them, and a kernel's accumulators no longer fit).
/// Kernels generic over it compute each lane with the same operations in the same order, so their
/// results do not depend on the width. Each type implements `relu6` itself: one written once in a
/// protocol extension stayed an out-of-line call, a quarter of the network's time.
protocol KernelVector: SIMD where Scalar == Float {
    static func load(_ pointer: UnsafePointer<Float>) -> Self
    func store(to pointer: UnsafeMutablePointer<Float>)
    func relu6() -> Self
}

extension SIMD8<Float>: KernelVector {}

extension SIMD16<Float>: KernelVector {}
