/// One convolution of a network, with the canonical tensor name its weights are stored under
/// (`<name>.weight` in OIHW order, then either `<name>.bias` or the batch-norm tensors
/// `<name>.bn.weight|bias|running_mean|running_var`).
public struct ConvolutionSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A dense convolution (the stem, and every 1×1 layer).
        case dense
        /// One filter per channel.
        case depthwise
    }

    public let name: String
    public let kind: Kind
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    public let stride: Int
    /// ReLU6 after the convolution; projections are linear.
    public let hasActivation: Bool

    /// The OIHW shape of `<name>.weight`.
    public var weightShape: [Int] {
        [outputChannels, kind == .depthwise ? 1 : inputChannels, kernelSize, kernelSize]
    }
}

extension NetworkArchitecture {
    /// Every convolution in execution order, stem first and head last.
    public var convolutions: [ConvolutionSpec] {
        var specs = [ConvolutionSpec(
            name: "stem", kind: .dense, inputChannels: 3, outputChannels: stemChannels,
            kernelSize: 3, stride: 2, hasActivation: true)]
        for (index, block) in blocks.enumerated() {
            specs += block.convolutions(prefix: "blocks.\(index)")
        }
        specs.append(ConvolutionSpec(
            name: "head", kind: .dense, inputChannels: blocks.last?.outputChannels ?? stemChannels,
            outputChannels: headChannels, kernelSize: 1, stride: 1, hasActivation: true))
        return specs
    }
}

extension NetworkArchitecture.Block {
    func convolutions(prefix: String) -> [ConvolutionSpec] {
        var specs: [ConvolutionSpec] = []
        if hasExpansion {
            specs.append(ConvolutionSpec(
                name: "\(prefix).expand", kind: .dense, inputChannels: inputChannels,
                outputChannels: expandedChannels, kernelSize: 1, stride: 1, hasActivation: true))
        }
        specs.append(ConvolutionSpec(
            name: "\(prefix).depthwise", kind: .depthwise, inputChannels: expandedChannels,
            outputChannels: expandedChannels, kernelSize: kernelSize, stride: stride, hasActivation: true))
        specs.append(ConvolutionSpec(
            name: "\(prefix).project", kind: .dense, inputChannels: expandedChannels,
            outputChannels: outputChannels, kernelSize: 1, stride: 1, hasActivation: false))
        return specs
    }
}
