/// The shape of an inverted-residual CNN (MobileNetV2 / EfficientNet-Lite family): a 3×3 stride-2 stem,
/// a stack of MBConv blocks (optional 1×1 expansion, k×k depthwise, 1×1 projection, residual when the
/// shape allows), a 1×1 head and global average pooling. Both supported models are instances of it, so
/// one implementation of the forward pass serves both.
public struct NetworkArchitecture: Sendable, Equatable {
    public struct Block: Sendable, Equatable {
        public let inputChannels: Int
        public let expandedChannels: Int
        public let outputChannels: Int
        public let kernelSize: Int
        public let stride: Int

        public var hasExpansion: Bool { expandedChannels != inputChannels }
        public var hasResidual: Bool { stride == 1 && inputChannels == outputChannels }
    }

    /// One stage of identical blocks, as the papers tabulate them.
    public struct Stage: Sendable {
        let expansion: Int
        let outputChannels: Int
        let repeats: Int
        let kernelSize: Int
        let stride: Int
    }

    public let name: String
    public let stemChannels: Int
    public let blocks: [Block]
    public let headChannels: Int
    public let inputSize: Int

    public init(name: String, stemChannels: Int, stages: [Stage], headChannels: Int, inputSize: Int = 224) {
        self.name = name
        self.stemChannels = stemChannels
        self.headChannels = headChannels
        self.inputSize = inputSize
        var blocks: [Block] = []
        var channels = stemChannels
        for stage in stages {
            for index in 0..<stage.repeats {
                blocks.append(Block(
                    inputChannels: channels,
                    expandedChannels: channels * stage.expansion,
                    outputChannels: stage.outputChannels,
                    kernelSize: stage.kernelSize,
                    stride: index == 0 ? stage.stride : 1))
                channels = stage.outputChannels
            }
        }
        self.blocks = blocks
    }

    /// The architecture for a manifest's `architecture` field.
    public static func named(_ name: String) -> NetworkArchitecture? {
        [efficientNetLite0, mobileNetV2].first { $0.name == name }
    }

    /// EfficientNet-Lite0: EfficientNet-B0 without squeeze-excitation, ReLU6 instead of swish.
    public static let efficientNetLite0 = NetworkArchitecture(
        name: "efficientnet-lite0",
        stemChannels: 32,
        stages: [
            Stage(expansion: 1, outputChannels: 16, repeats: 1, kernelSize: 3, stride: 1),
            Stage(expansion: 6, outputChannels: 24, repeats: 2, kernelSize: 3, stride: 2),
            Stage(expansion: 6, outputChannels: 40, repeats: 2, kernelSize: 5, stride: 2),
            Stage(expansion: 6, outputChannels: 80, repeats: 3, kernelSize: 3, stride: 2),
            Stage(expansion: 6, outputChannels: 112, repeats: 3, kernelSize: 5, stride: 1),
            Stage(expansion: 6, outputChannels: 192, repeats: 4, kernelSize: 5, stride: 2),
            Stage(expansion: 6, outputChannels: 320, repeats: 1, kernelSize: 3, stride: 1),
        ],
        headChannels: 1280)

    /// MobileNetV2 1.0/224 (Sandler et al. 2018, TF-slim layout).
    public static let mobileNetV2 = NetworkArchitecture(
        name: "mobilenet-v2",
        stemChannels: 32,
        stages: [
            Stage(expansion: 1, outputChannels: 16, repeats: 1, kernelSize: 3, stride: 1),
            Stage(expansion: 6, outputChannels: 24, repeats: 2, kernelSize: 3, stride: 2),
            Stage(expansion: 6, outputChannels: 32, repeats: 3, kernelSize: 3, stride: 2),
            Stage(expansion: 6, outputChannels: 64, repeats: 4, kernelSize: 3, stride: 2),
            Stage(expansion: 6, outputChannels: 96, repeats: 3, kernelSize: 3, stride: 1),
            Stage(expansion: 6, outputChannels: 160, repeats: 3, kernelSize: 3, stride: 2),
            Stage(expansion: 6, outputChannels: 320, repeats: 1, kernelSize: 3, stride: 1),
        ],
        headChannels: 1280)
}
