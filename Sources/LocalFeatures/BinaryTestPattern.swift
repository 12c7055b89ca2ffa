import Foundation
import SeededRandom

/// The 256 pixel pairs a binary descriptor compares (as BRIEF: bit i is 1 when the first pixel of
/// pair i is darker than the second), steered by the keypoint's orientation (as ORB) so that a
/// turned copy of a patch gives the same bits.
///
/// The pairs are drawn once from a fixed seed, isotropic Gaussian around the centre (σ = 6 px) and
/// within 13 px of it, so a turned pair stays inside the 16 px margin keypoints keep from edges.
struct BinaryTestPattern: Sendable {
    static let bits = 256
    static let words = bits / 64
    /// Orientations are rounded to one of this many steps (12°).
    static let angleSteps = 30
    static let radius = 13

    /// For each angle step, the 256 pairs as dx1, dy1, dx2, dy2: pair i of step k at 4(256k + i).
    private let turnedPairs: [Int]

    static let shared = BinaryTestPattern()

    private init() {
        var random = SplitMix64(seed: 0x1DE5_EA2C)
        var pairs: [(Float, Float, Float, Float)] = []
        while pairs.count < Self.bits {
            let (x1, y1) = Self.gaussianPoint(&random), (x2, y2) = Self.gaussianPoint(&random)
            if (x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2) >= 4 { pairs.append((x1, y1, x2, y2)) }
        }
        turnedPairs = (0..<Self.angleSteps).flatMap { step in
            let angle = Float(step) * 2 * .pi / Float(Self.angleSteps)
            let c = cos(angle), s = sin(angle)
            func turn(_ x: Float, _ y: Float) -> [Int] { [Int((c * x - s * y).rounded()), Int((s * x + c * y).rounded())] }
            return pairs.flatMap { turn($0.0, $0.1) + turn($0.2, $0.3) }
        }
    }

    /// A point from N(0, 6²) per axis, redrawn until within `radius` of the centre.
    private static func gaussianPoint(_ random: inout SplitMix64) -> (Float, Float) {
        while true {
            let u1 = max(Float(random.nextUnit()), 1e-7), u2 = Float(random.nextUnit())
            let magnitude = 6 * (-2 * log(u1)).squareRoot()
            let x = magnitude * cos(2 * .pi * u2), y = magnitude * sin(2 * .pi * u2)
            if x * x + y * y <= Float(radius * radius) { return (x.rounded(), y.rounded()) }
        }
    }

    /// The pairs as offsets into an image with rows `stride` pixels apart: pair i of angle step k at
    /// 2(256k + i) (first pixel) and the index after it (second pixel), in one flat array, as a
    /// pyramid level needs them anew for its width. `mirrored`: where the pairs of the image's mirror
    /// image fall in the image (x negated).
    func offsets(stride: Int, mirrored: Bool = false) -> [Int] {
        let sign = mirrored ? -1 : 1
        return [Int](unsafeUninitializedCapacity: turnedPairs.count / 2) { offsets, count in
            for point in 0..<turnedPairs.count / 2 {
                offsets[point] = turnedPairs[2 * point + 1] * stride + sign * turnedPairs[2 * point]
            }
            count = turnedPairs.count / 2
        }
    }

    /// The angle step nearest to `angle` (radians).
    static func step(for angle: Float) -> Int {
        let turns = angle / (2 * .pi)
        let step = Int((turns - turns.rounded(.down)) * Float(angleSteps) + 0.5)
        return step % angleSteps
    }
}
