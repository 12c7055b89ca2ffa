import Foundation
import Imaging

/// Finds local features as ORB does (Rublee et al. 2011): FAST corners on an image pyramid, each
/// oriented by its patch's intensity centroid and described by steered binary tests. Scale changes
/// are met by the pyramid, rotations by the orientation; matching and verification are
/// `GeometricVerifier`'s.
public struct LocalFeatureExtractor: Sendable {
    /// Keypoints kept per image, spread over the pyramid levels.
    public var maxKeypoints = 500
    /// Images are first shrunk to this longer side: finer detail rarely survives the edits searches
    /// must see through (blur, recompression, downscaling), and time grows with the area.
    public var maxSide = 512
    /// Smaller images are first enlarged to this longer side: a copy downscaled to a quarter then
    /// has pyramid levels at the scales of the original's coarse levels.
    public var minSide = 384
    /// Each level is this much smaller than the one before: three levels an octave, as SIFT samples
    /// scale. A copy's scale then lies within 2^(1/6) (12 %) of one of its source's levels; steps of
    /// √2 left up to 19 %, more than the binary tests bear well (a crop at its own size missed its
    /// source more often, bench/README.md).
    static let levelScale = Float(pow(2.0, 1.0 / 3.0))
    /// The last level is 2^(7/3), about 5 times smaller than the first: a strong blur (σ 1.5 % of
    /// the side) leaves its corners at that scale, which steps of √2 over 5 levels (to 4 times
    /// smaller) did not reach.
    static let levels = 8
    /// Keypoints stay this far from edges: the orientation patch's radius plus one.
    static let border = 16
    static let orientationRadius = 15
    /// FAST's threshold (grey levels)…
    static let cornerThreshold = 12
    /// …and the one a level is searched with again when it falls short of its quota: a blurred
    /// photo's corners keep their place but lose contrast, and without them its source explains too
    /// few matches to be told from a nearer photo (bench/retrieval, seeds 1 and 2: blur R@1 0.940 →
    /// 0.960; 8 gave 0.951, 4 gave 0.955).
    static let lowContrastCornerThreshold = 6

    public init() {}

    /// The local features of `image`, turned upright already.
    public func features(of image: RGBImage) -> LocalFeatureSet {
        features(of: GrayImage(image, minSide: minSide, maxSide: maxSide))
    }

    /// The local features of `image`.
    public func features(of image: GrayImage) -> LocalFeatureSet {
        let pyramid = pyramid(of: image)
        return combined(pyramid.levels.indices.map { features(onLevel: $0, of: pyramid, mirrored: false) }, of: image).asIs
    }

    /// The local features of `image` and of its mirror image, found together: corners and their
    /// strength do not change when mirrored, so only the descriptors are computed twice.
    public func featuresAsIsAndMirrored(of image: RGBImage) -> StoredLocalFeatures {
        let pyramid = pyramid(of: image)
        return storedFeatures(pyramid.levels.indices.map { features(onLevel: $0, of: pyramid, mirrored: true) }, of: pyramid)
    }

    /// The pyramid `featuresAsIsAndMirrored(of:)` searches `image` on.
    func pyramid(of image: RGBImage) -> ImagePyramid {
        pyramid(of: GrayImage(image, minSide: minSide, maxSide: maxSide))
    }

    /// `image` and its smaller copies, each `levelScale` smaller than the one before, down to the
    /// last level or the first too small to hold a keypoint away from the borders; each level
    /// resized from the one before.
    private func pyramid(of image: GrayImage) -> ImagePyramid {
        var levels = [image]
        for index in 1..<Self.levels {
            let width = Int((Float(image.width) / pow(Self.levelScale, Float(index))).rounded())
            let height = Int((Float(image.height) / pow(Self.levelScale, Float(index))).rounded())
            guard min(width, height) > 2 * Self.border + 8 else { break }
            levels.append(levels[index - 1].resized(width: width, height: height))
        }
        return ImagePyramid(levels: levels, quotas: Array(quotas().prefix(levels.count)))
    }

    /// The keypoints of one pyramid level, in the first level's pixels, with their descriptors (and,
    /// when `mirrored`, their mirror images').
    func features(onLevel index: Int, of pyramid: ImagePyramid, mirrored: Bool) -> LevelFeatures {
        let level = pyramid.levels[index], image = pyramid.levels[0]
        var found = LevelFeatures()
        let corners = corners(in: level, quota: pyramid.quotas[index])
        guard !corners.isEmpty else { return found }
        let scaleX = Float(image.width) / Float(level.width), scaleY = Float(image.height) / Float(level.height)
        let smoothed = level.smoothed()
        let offsets = BinaryTestPattern.shared.offsets(stride: level.width)
        let mirroredOffsets = mirrored ? BinaryTestPattern.shared.offsets(stride: level.width, mirrored: true) : []
        for corner in corners {
            let x = (Float(corner.x) + 0.5) * scaleX - 0.5, y = (Float(corner.y) + 0.5) * scaleY - 0.5
            let angle = orientation(of: corner, in: level)
            found.positions += [x, y]
            describe(corner, in: smoothed, offsets: offsets, step: BinaryTestPattern.step(for: angle), into: &found.descriptors)
            guard mirrored else { continue }
            // In the mirror image the centroid's x flips: the angle θ becomes π − θ.
            found.mirroredPositions += [Float(image.width - 1) - x, y]
            describe(corner, in: smoothed, offsets: mirroredOffsets, step: BinaryTestPattern.step(for: .pi - angle), into: &found.mirroredDescriptors)
        }
        return found
    }

    /// The features of every level of `pyramid`, as found with `mirrored` true, in level order.
    func storedFeatures(_ levels: [LevelFeatures], of pyramid: ImagePyramid) -> StoredLocalFeatures {
        let found = combined(levels, of: pyramid.levels[0])
        return StoredLocalFeatures(asIs: found.asIs, mirrored: found.mirrored)
    }

    /// The features of all levels, in level order, as sets of `image` (the first level).
    private func combined(_ levels: [LevelFeatures], of image: GrayImage) -> (asIs: LocalFeatureSet, mirrored: LocalFeatureSet) {
        func set(_ positions: KeyPath<LevelFeatures, [Float]>, _ descriptors: KeyPath<LevelFeatures, [UInt64]>) -> LocalFeatureSet {
            LocalFeatureSet(
                width: image.width, height: image.height,
                positions: levels.flatMap { $0[keyPath: positions] }, descriptors: levels.flatMap { $0[keyPath: descriptors] })
        }
        return (set(\.positions, \.descriptors), set(\.mirroredPositions, \.mirroredDescriptors))
    }

    /// At most `quota` corners of one level, strongest first: found with the usual threshold, or with
    /// the low-contrast one when that finds fewer than `quota`.
    private func corners(in level: GrayImage, quota: Int) -> [CornerDetector.Corner] {
        let corners = CornerDetector(threshold: Self.cornerThreshold, border: Self.border).corners(in: level, limit: quota)
        guard corners.count < quota else { return corners }
        return CornerDetector(threshold: Self.lowContrastCornerThreshold, border: Self.border).corners(in: level, limit: quota)
    }

    /// How many keypoints each level may keep: in proportion to the square root of its side (90 on
    /// the first level to 40 on the last), so coarse levels (what is left of a blurred or downscaled
    /// copy) still get a fair share. In proportion to the side, as with fewer levels (seven levels three
    /// an octave: 129 on the first, 32 on the last), strongly blurred copies lost their sources more
    /// often (bench/README.md).
    private func quotas() -> [Int] {
        let weights = (0..<Self.levels).map { 1 / pow(Self.levelScale, Float($0) / 2) }
        let total = weights.reduce(0, +)
        return weights.map { Int((Float(maxKeypoints) * $0 / total).rounded()) }
    }

    /// The angle from the corner to its patch's intensity centroid, over a disc of radius 15.
    private func orientation(of corner: CornerDetector.Corner, in image: GrayImage) -> Float {
        let radius = Self.orientationRadius
        var m10 = 0, m01 = 0
        image.pixels.withUnsafeBufferPointer { pixels in
            for dy in -radius...radius {
                let span = Int(Double(radius * radius - dy * dy).squareRoot())
                let row = (corner.y + dy) * image.width + corner.x
                for dx in -span...span {
                    let value = Int(pixels[row + dx])
                    m10 += dx * value
                    m01 += dy * value
                }
            }
        }
        return atan2(Float(m01), Float(m10))
    }

    /// Appends the 256 binary tests around the corner, turned by angle `step` (`offsets`: the
    /// pattern's for the image), packed into 4 words, to `descriptors`.
    private func describe(
        _ corner: CornerDetector.Corner, in image: GrayImage, offsets: [Int], step: Int, into descriptors: inout [UInt64]
    ) {
        image.pixels.withUnsafeBufferPointer { pixels in
            offsets.withUnsafeBufferPointer { offsets in
                let center = pixels.baseAddress! + corner.y * image.width + corner.x
                let pairs = offsets.baseAddress! + 2 * BinaryTestPattern.bits * step
                for word in 0..<BinaryTestPattern.words {
                    var bits: UInt64 = 0
                    for bit in 0..<64 {
                        let pair = 2 * (word * 64 + bit)
                        bits |= UInt64(center[pairs[pair]] < center[pairs[pair + 1]] ? 1 : 0) << UInt64(bit)
                    }
                    descriptors.append(bits)
                }
            }
        }
    }
}
