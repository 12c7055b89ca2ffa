/// The arithmetic every index is built on: dot products and squared distances of two vectors.
///
/// Four independent `SIMD16` accumulators hide the latency of the fused multiply-adds, so a 1280-d
/// dot product runs at the speed memory delivers the row; the tail that does not fill 16 lanes is
/// summed one float at a time.
enum VectorKernels {
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= count {
            s0.addProduct(.load(a + i), .load(b + i))
            s1.addProduct(.load(a + i + 16), .load(b + i + 16))
            s2.addProduct(.load(a + i + 32), .load(b + i + 32))
            s3.addProduct(.load(a + i + 48), .load(b + i + 48))
            i += 64
        }
        while i + 16 <= count {
            s0.addProduct(.load(a + i), .load(b + i))
            i += 16
        }
        var total = ((s0 + s1) + (s2 + s3)).sum()
        while i < count {
            total += a[i] * b[i]
            i += 1
        }
        return total
    }

    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= count {
            let d0 = SIMD16<Float>.load(a + i) - .load(b + i)
            let d1 = SIMD16<Float>.load(a + i + 16) - .load(b + i + 16)
            let d2 = SIMD16<Float>.load(a + i + 32) - .load(b + i + 32)
            let d3 = SIMD16<Float>.load(a + i + 48) - .load(b + i + 48)
            s0.addProduct(d0, d0)
            s1.addProduct(d1, d1)
            s2.addProduct(d2, d2)
            s3.addProduct(d3, d3)
            i += 64
        }
        while i + 16 <= count {
            let d = SIMD16<Float>.load(a + i) - .load(b + i)
            s0.addProduct(d, d)
            i += 16
        }
        var total = ((s0 + s1) + (s2 + s3)).sum()
        while i < count {
            let d = a[i] - b[i]
            total += d * d
            i += 1
        }
        return total
    }

    static func squaredNorm(_ vector: [Float]) -> Float {
        vector.withUnsafeBufferPointer { dot($0.baseAddress!, $0.baseAddress!, count: $0.count) }
    }

    /// `vector` scaled to unit length; the zero vector stays zero (its cosine distance to anything is 1).
    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = squaredNorm(vector).squareRoot()
        guard norm > 0 else { return vector }
        return vector.map { $0 / norm }
    }
}
