/// Comparisons the encoder tests state their tolerances in.
public enum VectorMath {
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count)
        var dot = 0.0, normA = 0.0, normB = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            normA += Double(x) * Double(x)
            normB += Double(y) * Double(y)
        }
        return dot / (normA.squareRoot() * normB.squareRoot())
    }

    public static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// NCHW (3 × size × size) to NHWC, the layout the encoder takes.
    public static func nchwToNHWC(_ values: [Float], size: Int) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for c in 0..<3 {
            for p in 0..<(size * size) {
                out[p * 3 + c] = values[c * size * size + p]
            }
        }
        return out
    }
}
