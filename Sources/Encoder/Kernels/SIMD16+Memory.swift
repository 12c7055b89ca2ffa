extension SIMD16<Float> {
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD16<Float>.self)
    }

    /// min(max(x, 0), 6), by comparisons: `pointwiseMax` and `pointwiseMin` compiled to out-of-line
    /// calls on AVX2 (a third of the network's time where `SIMD8` used them; 4 % in the stem's `SIMD16`).
    @inline(__always)
    func relu6() -> SIMD16<Float> {
        let positive = SIMD16(repeating: 0).replacing(with: self, where: self .> 0)
        return SIMD16(repeating: 6).replacing(with: positive, where: positive .< 6)
    }
}
