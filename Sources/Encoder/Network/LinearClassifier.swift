/// The ImageNet classification layer kept beside the encoder. The service never needs it; it exists so
/// a test can check that a converted model still recognises a cat as a cat.
struct LinearClassifier: Sendable {
    let classes: Int
    private let weight: [Float]
    private let bias: [Float]

    /// Reads `classifier.weight` ([classes × inputCount]) and `classifier.bias`; nil when absent.
    init?(tensors: [String: Tensor], inputCount: Int) throws {
        guard let weight = tensors["classifier.weight"] else { return nil }
        guard weight.shape.count == 2, weight.shape[1] == inputCount,
              let bias = tensors["classifier.bias"], bias.shape == [weight.shape[0]]
        else {
            throw ModelError(.tensorMismatch, "classifier tensors have shapes \(weight.shape) and \(tensors["classifier.bias"]?.shape ?? []), expected [classes, \(inputCount)] and [classes]")
        }
        classes = weight.shape[0]
        self.weight = weight.values
        self.bias = bias.values
    }

    func logits(for features: [Float]) -> [Float] {
        let inputs = features.count
        return (0..<classes).map { row in
            (0..<inputs).reduce(bias[row]) { $0 + weight[row * inputs + $1] * features[$1] }
        }
    }
}
