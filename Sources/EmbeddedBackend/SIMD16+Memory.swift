extension SIMD16<Float> {
    /// Rows are 64-byte aligned but the query and stored vectors handed in by callers need not be, so
    /// every load is unaligned (which costs nothing on aligned addresses).
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }
}
