import Imaging

/// How an image becomes the vector a search compares: the framing of the network input, the pooling
/// of the head's map and whether the vector is scaled to length 1. Part of a collection's identity:
/// vectors made by different recipes do not compare.
public struct EmbeddingRecipe: Sendable, Equatable {
    /// The framing; nil keeps the model manifest's.
    public var mode: Preprocessing.Mode?
    public var pooling: Pooling
    /// Whether each vector is divided by its length, so that L2 distance ranks like cosine.
    public var normalizesLength: Bool

    public init(mode: Preprocessing.Mode?, pooling: Pooling, normalizesLength: Bool) {
        self.mode = mode
        self.pooling = pooling
        self.normalizesLength = normalizesLength
    }

    /// The model's own recipe: its manifest's framing, average pooling, the raw vector. The features
    /// the reference implementation computes (the golden files), and what collections made before
    /// the retrieval recipe hold.
    public static let reference = EmbeddingRecipe(mode: nil, pooling: .average, normalizesLength: false)

    /// The recipe searches use: the whole frame (nothing near the borders lost to a centre crop),
    /// GeM pooling with p = 3, length 1. Chosen with bench/retrieval's transform suite on the
    /// development set: near-duplicate R@1 0.654 → 0.781 and the original among the 40 nearest
    /// 0.929 → 0.990 against the reference recipe, at the same cost (see bench/README.md).
    public static let retrieval = EmbeddingRecipe(mode: .wholeImage, pooling: .generalizedMean(power: 3), normalizesLength: true)

    /// The recipes a daemon offers, by the name its `--embedding` option takes.
    public static let named: KeyValuePairs<String, EmbeddingRecipe> = ["retrieval": .retrieval, "reference": .reference]

    /// `manifest`'s preprocessing in this recipe's framing.
    public func preprocessing(from manifest: Preprocessing) -> Preprocessing {
        mode.map { manifest.with(mode: $0) } ?? manifest
    }
}
