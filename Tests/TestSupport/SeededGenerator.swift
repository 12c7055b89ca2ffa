import Foundation
import SeededRandom

/// The tests' generator, so that every test draws the same "random" vectors on every run.
public typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// A standard normal sample (Box–Muller).
    public mutating func gaussian() -> Float {
        let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &self)
        let v = Double.random(in: 0..<1, using: &self)
        return Float((-2 * log(u)).squareRoot() * cos(2 * .pi * v))
    }
}
