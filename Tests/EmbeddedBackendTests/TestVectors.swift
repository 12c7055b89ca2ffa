import SearchBackend
import TestSupport

/// Test data: Gaussian vectors, clustered vectors, and images made from them.
enum TestVectors {
    static func random(count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (0..<dimension).map { _ in generator.gaussian() } }
    }

    /// `count` points around `clusters` Gaussian centres, `spread` being the noise's standard deviation
    /// relative to the centres' (1). Points are drawn round-robin over the clusters.
    static func clustered(count: Int, dimension: Int, clusters: Int, spread: Float, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in generator.gaussian() } }
        return (0..<count).map { index in centres[index % clusters].map { $0 + spread * generator.gaussian() } }
    }

    static func images(_ vectors: [[Float]], prefix: String = "image") -> [NewImage] {
        vectors.enumerated().map { index, vector in
            NewImage(name: "\(prefix)-\(index)", contentSHA256: sha(index, prefix: prefix), metadata: ["index": "\(index)"], vector: vector)
        }
    }

    /// A 64-hex-digit stand-in for a content hash, distinct per (prefix, index).
    static func sha(_ index: Int, prefix: String = "image") -> String {
        let seed = prefix.utf8.reduce(UInt64(index)) { $0 &* 31 &+ UInt64($1) }
        var generator = SeededGenerator(seed: seed)
        return (0..<4).map { _ in String(generator.next(), radix: 16).leftPadded(to: 16) }.joined()
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
