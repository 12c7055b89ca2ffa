/// What a collection's vectors mean: the model that made them. Vectors from two models are not
/// comparable, so a collection remembers its model and refuses to be used with another.
public struct ModelIdentity: Codable, Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var weightsSHA256: String
    public var dimension: Int
    /// The preprocessing recipe in one line (mode, crop, filter, size, scaling).
    public var preprocessing: String

    public init(name: String, weightsSHA256: String, dimension: Int, preprocessing: String) {
        self.name = name
        self.weightsSHA256 = weightsSHA256
        self.dimension = dimension
        self.preprocessing = preprocessing
    }

    public var description: String {
        "\(name) (\(dimension)-d, weights \(weightsSHA256.prefix(12)), \(preprocessing))"
    }
}
