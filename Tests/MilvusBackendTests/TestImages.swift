import SearchBackend
import TestSupport

/// Images with random vectors (uniform in -1…1), numbered names and distinct content hashes.
enum TestImages {
    static func make(count: Int, dimension: Int, seed: UInt64, namePrefix: String = "image") -> [NewImage] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { number in
            NewImage(
                name: "\(namePrefix)-\(number)", contentSHA256: hash(seed: seed, number: number),
                metadata: ["number": "\(number)"], vector: vector(dimension: dimension, using: &generator))
        }
    }

    static func vector(dimension: Int, using generator: inout SeededGenerator) -> [Float] {
        (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
    }

    /// A 64-hex-digit stand-in for a SHA-256, unique per (seed, number).
    static func hash(seed: UInt64, number: Int) -> String {
        let hex = String(seed, radix: 16) + "f" + String(number, radix: 16)
        return String(repeating: "0", count: 64 - hex.count) + hex
    }
}
