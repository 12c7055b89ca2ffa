import Imaging

/// `model.json`: everything needed to use a converted model besides its weights, and the weights'
/// checksum so a swapped or damaged file is refused instead of producing silent garbage.
public struct ModelManifest: Codable, Sendable, Equatable {
    public struct WeightsFile: Codable, Sendable, Equatable {
        /// File name, relative to the manifest's directory.
        public var file: String
        public var sha256: String
        public var byteCount: Int

        public init(file: String, sha256: String, byteCount: Int) {
            self.file = file
            self.sha256 = sha256
            self.byteCount = byteCount
        }
    }

    public struct Classifier: Codable, Sendable, Equatable {
        public var classes: Int
        /// Index of ImageNet class 0 in the logits (1 when the model has a "background" class first).
        public var firstImageNetClass: Int

        public init(classes: Int, firstImageNetClass: Int) {
            self.classes = classes
            self.firstImageNetClass = firstImageNetClass
        }
    }

    public static let currentFormatVersion = 1
    public static let fileName = "model.json"

    public var formatVersion: Int
    public var name: String
    public var architecture: String
    public var embeddingDimension: Int
    public var preprocessing: Preprocessing
    /// Epsilon of the batch-norm layers stored unfolded in the weights (folded at load).
    public var batchNormEpsilon: Float
    public var classifier: Classifier?
    public var weights: WeightsFile
    /// Where the weights came from, for people reading the file.
    public var source: String

    public init(
        name: String, architecture: String, embeddingDimension: Int, preprocessing: Preprocessing,
        batchNormEpsilon: Float, classifier: Classifier?, weights: WeightsFile, source: String
    ) {
        self.formatVersion = Self.currentFormatVersion
        self.name = name
        self.architecture = architecture
        self.embeddingDimension = embeddingDimension
        self.preprocessing = preprocessing
        self.batchNormEpsilon = batchNormEpsilon
        self.classifier = classifier
        self.weights = weights
        self.source = source
    }
}
