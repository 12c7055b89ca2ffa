/// A convolution's weights with batch norm folded in: y = conv(x, weight) + bias.
///
/// Folding once at load removes a multiply-add per output element from every forward pass.
public struct FoldedConvolution: Sendable {
    public let spec: ConvolutionSpec
    /// OIHW (O×1×k×k for depthwise).
    public let weight: [Float]
    public let bias: [Float]

    /// Reads `<spec.name>.*` from `tensors`, checking shapes, and folds batch norm when present.
    public init(spec: ConvolutionSpec, tensors: [String: Tensor], batchNormEpsilon: Float) throws {
        self.spec = spec
        let weight = try Self.tensor("\(spec.name).weight", shape: spec.weightShape, in: tensors)
        let channels = spec.outputChannels
        let plainBias = try tensors["\(spec.name).bias"].map { _ in
            try Self.tensor("\(spec.name).bias", shape: [channels], in: tensors).values
        }
        guard tensors["\(spec.name).bn.weight"] != nil else {
            guard let plainBias else {
                throw ModelError(.tensorMismatch, "\(spec.name) has neither a bias nor batch-norm tensors")
            }
            self.weight = weight.values
            self.bias = plainBias
            return
        }
        let bn = try ["weight", "bias", "running_mean", "running_var"].map {
            try Self.tensor("\(spec.name).bn.\($0)", shape: [channels], in: tensors).values
        }
        let scale = (0..<channels).map { bn[0][$0] / (bn[3][$0] + batchNormEpsilon).squareRoot() }
        let perChannel = weight.count / channels
        self.weight = weight.values.indices.map { weight.values[$0] * scale[$0 / perChannel] }
        self.bias = (0..<channels).map { bn[1][$0] + ((plainBias?[$0] ?? 0) - bn[2][$0]) * scale[$0] }
    }

    private static func tensor(_ name: String, shape: [Int], in tensors: [String: Tensor]) throws -> Tensor {
        guard let tensor = tensors[name] else {
            throw ModelError(.tensorMismatch, "the weights have no tensor '\(name)'")
        }
        guard tensor.shape == shape else {
            throw ModelError(.tensorMismatch, "tensor '\(name)' has shape \(tensor.shape), expected \(shape)")
        }
        return tensor
    }
}
