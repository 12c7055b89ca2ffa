/// One MBConv block ready to run: 1×1 expansion (when the block widens), depthwise, 1×1 projection,
/// and the residual connection when input and output shapes agree.
///
/// Two schedules, chosen by resolution:
/// - **row by row** for the large early blocks: output rows are computed one at a time from a ring of
///   `kernelSize` expanded rows, so the wide intermediate tensors (up to 112×112×96 floats) never exist
///   in full and what the three layers pass each other stays in cache;
/// - **layer by layer over the batch** for the small late blocks, where the weights (up to 1152×192) are
///   larger than the activations: each weight panel is then read once for all images' pixels instead
///   of once per output row.
struct InvertedResidualBlock: Sendable {
    enum Schedule: Sendable {
        case rowByRow
        case layerByLayer
    }

    let expand: PointwiseConvolution?
    let depthwise: DepthwiseConvolution
    let project: PointwiseConvolution
    let hasResidual: Bool
    /// Side of the square input this block sees in the network.
    let inputSide: Int
    let schedule: Schedule

    init(_ block: NetworkArchitecture.Block, folded: [String: FoldedConvolution], prefix: String, inputSide: Int) {
        expand = block.hasExpansion ? folded["\(prefix).expand"].map(PointwiseConvolution.init) : nil
        depthwise = DepthwiseConvolution(folded["\(prefix).depthwise"]!)
        project = PointwiseConvolution(folded["\(prefix).project"]!)
        hasResidual = block.hasResidual
        self.inputSide = inputSide
        schedule = inputSide >= Self.rowByRowMinimumSide ? .rowByRow : .layerByLayer
    }

    /// Measured on EfficientNet-Lite0 (bench/encoder): row by row wins from 28×28 up, where an expanded
    /// image (≥ 28·28·240 floats) no longer fits in L2; below, whole layers over the batch win.
    static let rowByRowMinimumSide = 28

    var inputChannels: Int { expand?.inputChannels ?? depthwise.channels }
    var outputSide: Int { depthwise.outputSize(for: inputSide) }
    var inputFloats: Int { inputSide * inputSide * inputChannels }
    var outputFloats: Int { outputSide * outputSide * project.outputChannels }
    private var depthwiseLayout: ActivationLayout { depthwise.inputLayout(side: inputSide) }

    /// Floats of scratch this block needs for `images` images: (expanded, filtered).
    func scratchNeeded(images: Int) -> (expanded: Int, filtered: Int) {
        switch schedule {
        case .rowByRow:
            (depthwise.kernelSize * depthwiseLayout.paddedWidth * depthwise.channels, outputSide * depthwise.channels)
        case .layerByLayer:
            (images * depthwiseLayout.imageStride, images * outputSide * outputSide * depthwise.channels)
        }
    }

    /// Runs the block on `images` consecutive dense inputs, writing dense outputs. A `split` shares out
    /// each layer's output rows (row by row: each part runs its rows through all three layers, with
    /// its own ring in `scratches[part]`; the rows at a part's edge are expanded by both parts).
    func apply(
        _ input: UnsafePointer<Float>, images: Int, into output: UnsafeMutablePointer<Float>, scratches: [BlockScratch],
        split: LayerSplit
    ) {
        switch schedule {
        case .rowByRow:
            for image in 0..<images {
                split.run(over: 0..<outputSide) { part, rows in
                    applyRowByRow(input + image * inputFloats, rows: rows, into: output + image * outputFloats, scratch: scratches[part])
                }
            }
        case .layerByLayer:
            applyLayerByLayer(input, images: images, into: output, scratches: scratches, split: split)
        }
    }

    /// Output `rows` of one image.
    private func applyRowByRow(
        _ input: UnsafePointer<Float>, rows: Range<Int>, into output: UnsafeMutablePointer<Float>, scratch: BlockScratch
    ) {
        let layout = depthwiseLayout
        let k = depthwise.kernelSize, s = depthwise.stride
        let slotFloats = layout.paddedWidth * layout.channels
        let rowLayout = ActivationLayout(
            height: 1, width: inputSide, channels: layout.channels,
            padTop: 0, padBottom: 0, padLeft: layout.padLeft, padRight: layout.padRight)
        scratch.expanded.pointer.update(repeating: 0, count: k * slotFloats)
        var produced = rows.lowerBound * s
        for oy in rows {
            while produced < oy * s + k {
                let slot = scratch.expanded.pointer + (produced % k) * slotFloats
                let y = produced - layout.padTop
                if y >= 0, y < inputSide {
                    fill(input + y * inputSide * inputChannels, images: 1, into: slot, layout: rowLayout)
                } else {
                    slot.update(repeating: 0, count: slotFloats)
                }
                produced += 1
            }
            for ky in 0..<k {
                scratch.rows[ky] = scratch.expanded.pointer + ((oy * s + ky) % k) * slotFloats
            }
            depthwise.applyRow(scratch.rows, outputWidth: outputSide, into: scratch.filtered.pointer)
            project.apply(
                scratch.filtered.pointer, images: 1, into: output + oy * outputSide * project.outputChannels,
                layout: .dense(height: 1, width: outputSide, channels: project.outputChannels),
                adding: hasResidual ? input + oy * inputSide * inputChannels : nil)
        }
    }

    /// Each layer over the whole batch; the expanded and filtered images live in `scratches[0]`, and a
    /// `split` shares out each layer.
    private func applyLayerByLayer(
        _ input: UnsafePointer<Float>, images: Int, into output: UnsafeMutablePointer<Float>, scratches: [BlockScratch],
        split: LayerSplit
    ) {
        let layout = depthwiseLayout
        let s = depthwise.stride
        let rowFloats = layout.paddedWidth * layout.channels
        let scratch = scratches[0]
        layout.clearBorder(scratch.expanded.pointer, images: images)
        fill(input, images: images, into: scratch.expanded.pointer, layout: layout, split: split)
        for image in 0..<images {
            let expanded = scratch.expanded.pointer + image * layout.imageStride
            let filtered = scratch.filtered.pointer + image * outputSide * outputSide * depthwise.channels
            split.run(over: 0..<outputSide) { part, rows in
                let inputRows = scratches[part].rows
                for oy in rows {
                    for ky in 0..<depthwise.kernelSize {
                        inputRows[ky] = expanded + (oy * s + ky) * rowFloats
                    }
                    depthwise.applyRow(inputRows, outputWidth: outputSide, into: filtered + oy * outputSide * depthwise.channels)
                }
            }
        }
        project.apply(
            scratch.filtered.pointer, images: images, into: output,
            layout: .dense(height: outputSide, width: outputSide, channels: project.outputChannels),
            adding: hasResidual ? input : nil, split: split)
    }

    /// Writes dense input pixels into the interior of `layout`: expanded, or copied when the block does
    /// not expand.
    private func fill(
        _ input: UnsafePointer<Float>, images: Int, into destination: UnsafeMutablePointer<Float>, layout: ActivationLayout,
        split: LayerSplit = .serial
    ) {
        if let expand {
            expand.apply(input, images: images, into: destination, layout: layout, split: split)
            return
        }
        var cursor = PixelCursor(layout: layout)
        for pixel in 0..<(images * layout.pixels) {
            (destination + cursor.nextOffset()).update(from: input + pixel * layout.channels, count: layout.channels)
        }
    }
}
