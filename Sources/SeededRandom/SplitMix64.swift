/// A small seeded random generator (SplitMix64). The standard library's generator cannot be seeded;
/// this one makes what depends on chance the same on every run and machine: HNSW node levels (so the
/// same inserts build the same graph and recall is reproducible), the local-feature descriptor
/// pattern and RANSAC's samples (so stored features and verification scores are stable), and the
/// tests' data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }
}
