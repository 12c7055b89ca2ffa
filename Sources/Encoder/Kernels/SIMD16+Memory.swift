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
}

extension SIMD16<Float> {
    /// min(max(x, 0), 6). Written with `pointwiseMin`/`pointwiseMax`, which inline to `vmaxps`/`vminps`;
    /// the standard library's `clamped(lowerBound:upperBound:)` compiles to an out-of-line call.
    @inline(__always)
    func relu6() -> SIMD16<Float> {
        pointwiseMin(pointwiseMax(self, SIMD16(repeating: 0)), SIMD16(repeating: 6))
    }
}
