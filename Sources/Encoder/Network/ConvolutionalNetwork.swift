/// A loaded inverted-residual network: folded, packed weights and the forward pass.
///
/// Activations are NHWC with channels padded to the SIMD width. Every layer is this module's own SIMD
/// code: register-blocked matrix products for the 1×1 layers, direct kernels for the stem and the
/// depthwise layers, each block fused row by row (see `InvertedResidualBlock`).
public final class ConvolutionalNetwork: Sendable {
    public let architecture: NetworkArchitecture
    /// Length of the embedding: the head's channel count.
    public var featureCount: Int { architecture.headChannels }

    private let stem: StemConvolution
    private let blocks: [InvertedResidualBlock]
    private let head: PointwiseConvolution
    private let classifier: LinearClassifier?

    /// Builds the network from canonical tensors (see `ConvolutionSpec`), folding batch norm.
    public init(architecture: NetworkArchitecture, tensors: [String: Tensor], batchNormEpsilon: Float) throws {
        self.architecture = architecture
        var folded: [String: FoldedConvolution] = [:]
        for spec in architecture.convolutions {
            folded[spec.name] = try FoldedConvolution(spec: spec, tensors: tensors, batchNormEpsilon: batchNormEpsilon)
        }
        stem = StemConvolution(folded["stem"]!)
        var side = stem.outputSize(for: architecture.inputSize)
        var blocks: [InvertedResidualBlock] = []
        for (index, block) in architecture.blocks.enumerated() {
            blocks.append(InvertedResidualBlock(block, folded: folded, prefix: "blocks.\(index)", inputSide: side))
            side = blocks[index].outputSide
        }
        self.blocks = blocks
        head = PointwiseConvolution(folded["head"]!)
        classifier = try LinearClassifier(tensors: tensors, inputCount: architecture.headChannels)
    }

    /// Whether the weights included an ImageNet classifier (used to check a model end to end).
    public var hasClassifier: Bool { classifier != nil }

    private var stemSide: Int { stem.outputSize(for: architecture.inputSize) }
    private var headSide: Int { blocks.last!.outputSide }

    /// Memory for passes of up to `images` images, their layers split in up to `parts` parts.
    func makeWorkspace(images: Int, parts: Int) -> InferenceWorkspace {
        var largest = stemSide * stemSide * stem.outputChannels
        for block in blocks {
            largest = max(largest, block.outputFloats)
        }
        largest = max(largest, headSide * headSide * head.outputChannels)
        return InferenceWorkspace(
            images: images, inputCount: architecture.inputSize * architecture.inputSize * 3, activationCount: images * largest,
            featureCount: images * head.outputChannels,
            scratches: [makeScratch(images: images)] + (1..<max(1, parts)).map { _ in makeScratch(images: 1, rowByRowOnly: true) })
    }

    /// Scratch for every block; a split's later parts share the first part's whole images and need
    /// only their own rings for the row-by-row blocks.
    private func makeScratch(images: Int, rowByRowOnly: Bool = false) -> BlockScratch {
        let needs = blocks.map { block in
            rowByRowOnly && block.schedule != .rowByRow ? (expanded: 0, filtered: 0) : block.scratchNeeded(images: images)
        }
        return BlockScratch(
            expandedCount: needs.map(\.expanded).max()!, filteredCount: needs.map(\.filtered).max()!,
            maxKernelSize: blocks.map(\.depthwise.kernelSize).max()!)
    }

    /// Runs up to `workspace.images` images (each `inputSize × inputSize × 3`, NHWC, normalised, back to
    /// back) and writes their feature vectors, the head's map pooled by `pooling` (`featureCount` floats
    /// each), to `workspace.features`. A `split` (of at most the workspace's parts) shares out each layer.
    func computeFeatures(
        _ input: UnsafePointer<Float>, images: Int, pooling: Pooling, workspace: InferenceWorkspace, split: LayerSplit
    ) {
        precondition(images <= workspace.images && split.parts <= workspace.scratches.count)
        var current = workspace.activations.0.pointer, next = workspace.activations.1.pointer
        let stemLayout = ActivationLayout.dense(height: stemSide, width: stemSide, channels: stem.outputChannels)
        stem.apply(input, side: architecture.inputSize, images: images, into: current, layout: stemLayout, split: split)
        for block in blocks {
            block.apply(current, images: images, into: next, scratches: workspace.scratches, split: split)
            swap(&current, &next)
        }
        let headLayout = ActivationLayout.dense(height: headSide, width: headSide, channels: head.outputChannels)
        head.apply(current, images: images, into: next, layout: headLayout, split: split)
        for image in 0..<images {
            let map = next + image * headLayout.pixels * head.outputChannels
            let vector = workspace.features.pointer + image * head.outputChannels
            switch pooling {
            case .average:
                GlobalAveragePool.apply(map, pixels: headLayout.pixels, channels: head.outputChannels, into: vector)
            case .generalizedMean(let power):
                GeneralizedMeanPool.apply(map, pixels: headLayout.pixels, channels: head.outputChannels, power: power, into: vector)
            }
        }
    }

    /// ImageNet logits for a feature vector, when the model carries its classifier.
    public func logits(for features: [Float]) -> [Float]? {
        classifier?.logits(for: features)
    }
}
