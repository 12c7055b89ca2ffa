import Foundation
import SeededRandom

/// Vectors of length 1 spread uniformly over the sphere (normalised Gaussian samples), from a fixed
/// seed, so that every run of the benchmark builds the same collection. Random vectors cost a FLAT
/// scan exactly what real embeddings cost, and make millions of floats in seconds instead of an
/// encoder run of minutes.
struct RandomUnitVectors {
    let dimension: Int
    private var random: SplitMix64

    init(dimension: Int, seed: UInt64 = 0x5EED) {
        self.dimension = dimension
        random = SplitMix64(seed: seed)
    }

    mutating func next() -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        for index in stride(from: 0, to: dimension, by: 2) {
            let (first, second) = nextGaussianPair()
            vector[index] = first
            if index + 1 < dimension { vector[index + 1] = second }
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }

    /// Two independent standard normal samples (Box–Muller) from one 64-bit draw.
    private mutating func nextGaussianPair() -> (Float, Float) {
        let bits = random.next()
        let uniform1 = (Float(bits >> 40) + 1) / 16_777_216  // (0, 1]: the logarithm needs it above 0
        let uniform2 = Float((bits >> 16) & 0xFF_FFFF) / 16_777_216
        let radius = (-2 * Foundation.log(uniform1)).squareRoot()
        let angle = 2 * Float.pi * uniform2
        return (radius * Foundation.cos(angle), radius * Foundation.sin(angle))
    }
}
