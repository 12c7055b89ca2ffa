import Imaging

/// How an image becomes the vector a search compares: the framing of the network input (and whether a
/// photo turned inside a filled frame is cut out upright first), an optional low-pass filter of it,
/// the pooling of the head's map and whether the vector is scaled to length 1. Part of a
/// collection's identity: vectors made by different recipes do not compare.
public struct EmbeddingRecipe: Sendable, Equatable {
    /// The framing; nil keeps the model manifest's.
    public var mode: Preprocessing.Mode?
    public var pooling: Pooling
    /// Whether each vector is divided by its length, so that L2 distance ranks like cosine.
    public var normalizesLength: Bool
    /// The standard deviation of a Gaussian blur of the network input, as a fraction of its side; nil
    /// for none. Both sides of a comparison are blurred, so a blurred, downscaled or heavily
    /// recompressed copy, which has lost its fine detail, differs less from its source.
    public var lowPass: Double?
    /// Whether a photo turned by a small angle inside a frame of one colour (`TurnedPhoto`) is cut
    /// out and turned upright before framing: a copy turned that way then embeds like its source.
    public var straightensTurnedPhotos: Bool

    public init(mode: Preprocessing.Mode?, pooling: Pooling, normalizesLength: Bool, lowPass: Double? = nil, straightensTurnedPhotos: Bool = false) {
        self.mode = mode
        self.pooling = pooling
        self.normalizesLength = normalizesLength
        self.lowPass = lowPass
        self.straightensTurnedPhotos = straightensTurnedPhotos
    }

    /// The model's own recipe: its manifest's framing, average pooling, the raw vector. The features
    /// the reference implementation computes (the golden files), and what collections made before
    /// the retrieval recipe hold.
    public static let reference = EmbeddingRecipe(mode: nil, pooling: .average, normalizesLength: false)

    /// The recipe searches use: turned photos straightened, the whole frame (nothing near the
    /// borders lost to a centre crop), a Gaussian low-pass of σ = 1% of the side (2.24 px), GeM
    /// pooling with p = 3, length 1. Chosen with bench/descriptors and bench/retrieval's transform
    /// suite on the development set (see bench/README.md): without verification, near-duplicate R@1
    /// 0.654 → 0.800 and the original among the 40 nearest 0.929 → 0.996 against the reference
    /// recipe; with it, R@1 0.952 → 0.958 and blurred copies 0.795 → 0.897 from the low-pass, and
    /// the straightening for small rotations (`TurnedPhoto`).
    public static let retrieval = EmbeddingRecipe(
        mode: .wholeImage, pooling: .generalizedMean(power: 3), normalizesLength: true, lowPass: 0.01, straightensTurnedPhotos: true)

    /// The retrieval recipe as first released, without straightening: what collections made by that
    /// release hold, kept so that they still open. Spelled out rather than derived from `retrieval`,
    /// so that later changes to that recipe leave it as it was.
    public static let retrievalV1 = EmbeddingRecipe(mode: .wholeImage, pooling: .generalizedMean(power: 3), normalizesLength: true, lowPass: 0.01)

    /// The recipes a daemon offers, by the name its `--embedding` option takes.
    public static let named: KeyValuePairs<String, EmbeddingRecipe> = ["retrieval": .retrieval, "retrieval-v1": .retrievalV1, "reference": .reference]

    /// `manifest`'s preprocessing in this recipe's framing.
    public func preprocessing(from manifest: Preprocessing) -> Preprocessing {
        mode.map { manifest.with(mode: $0) } ?? manifest
    }
}
