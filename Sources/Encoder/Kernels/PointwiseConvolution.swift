/// A 1×1 convolution over NHWC activations: [pixels × Cin] · [Cin × Cout] with bias, optional ReLU6 and
/// an optional residual, computed by `PackedMatrixKernel` on weights packed once at load.
struct PointwiseConvolution: @unchecked Sendable {
    let inputChannels: Int
    let outputChannels: Int
    let hasActivation: Bool
    /// Column panels of the [Cin × Cout] weight matrix, each `inputChannels × 32` (the last may be × 16).
    private let panels: FloatBuffer
    private let bias: FloatBuffer

    init(_ folded: FoldedConvolution) {
        let spec = folded.spec
        inputChannels = ChannelPadding.padded(spec.inputChannels)
        outputChannels = ChannelPadding.padded(spec.outputChannels)
        hasActivation = spec.hasActivation
        panels = FloatBuffer(count: inputChannels * outputChannels)
        for output in 0..<spec.outputChannels {
            let panel = output / PackedMatrixKernel.panelWidth
            let width = min(PackedMatrixKernel.panelWidth, outputChannels - panel * PackedMatrixKernel.panelWidth)
            let panelStart = panel * PackedMatrixKernel.panelWidth * inputChannels
            for input in 0..<spec.inputChannels {
                panels.pointer[panelStart + input * width + output % PackedMatrixKernel.panelWidth] =
                    folded.weight[output * spec.inputChannels + input]
            }
        }
        bias = FloatBuffer(folded.bias + [Float](repeating: 0, count: outputChannels - folded.bias.count))
    }

    /// `output[p] = act(input[p] · W + b) (+ residual[p])` for every pixel of `images` images.
    /// `input` and `residual` are dense; `output` is written in `layout` (padded for a depthwise layer).
    /// With a `split`, the parts take the seven-row blocks or the weight panels: whichever shares out
    /// more evenly (a 7 × 7 layer's seven blocks would go four and three), else whichever there are
    /// more of (a late layer has few pixels and wide weights, which are then read once in all).
    func apply(
        _ input: UnsafePointer<Float>, images: Int, into output: UnsafeMutablePointer<Float>,
        layout: ActivationLayout, adding residual: UnsafePointer<Float>? = nil, split: LayerSplit = .serial
    ) {
        let pixels = images * layout.pixels
        let rows = PackedMatrixKernel.rows, panelWidth = PackedMatrixKernel.panelWidth
        let rowBlocks = (pixels + rows - 1) / rows
        let panelCount = (outputChannels + panelWidth - 1) / panelWidth
        let (rowShare, panelShare) = (split.largestShare(of: rowBlocks), split.largestShare(of: panelCount))
        if rowShare < panelShare || (rowShare == panelShare && rowBlocks >= panelCount) {
            split.run(over: 0..<rowBlocks) { _, blocks in
                let part = blocks.lowerBound * rows..<min(blocks.upperBound * rows, pixels)
                apply(input, pixels: part, columns: 0..<outputChannels, into: output, layout: layout, adding: residual)
            }
        } else {
            split.run(over: 0..<panelCount) { _, panels in
                let part = panels.lowerBound * panelWidth..<min(panels.upperBound * panelWidth, outputChannels)
                apply(input, pixels: 0..<pixels, columns: part, into: output, layout: layout, adding: residual)
            }
        }
    }

    /// The output `columns` (whole panels) of the batch's `pixels`, whose blocks of seven start at
    /// `pixels.lowerBound`.
    private func apply(
        _ input: UnsafePointer<Float>, pixels: Range<Int>, columns: Range<Int>, into output: UnsafeMutablePointer<Float>,
        layout: ActivationLayout, adding residual: UnsafePointer<Float>?
    ) {
        let rows = PackedMatrixKernel.rows
        let blocks = pixels.count / rows
        var cursor = PixelCursor(layout: layout, startingAt: pixels.lowerBound)
        withUnsafeTemporaryAllocation(of: RowPointers.self, capacity: chunkBlocks) { outputRows in
            for first in stride(from: 0, to: blocks, by: chunkBlocks) {
                let count = min(chunkBlocks, blocks - first)
                for block in 0..<count {
                    outputRows[block] = RowPointers { _ in output + cursor.nextOffset() }
                }
                let start = pixels.lowerBound + first * rows
                applyChunk(
                    input + start * inputChannels, outputRows: UnsafeBufferPointer(rebasing: outputRows[0..<count]),
                    residual: residual.map { $0 + start * outputChannels }, columns: columns)
            }
        }
        if blocks * rows < pixels.count {
            let tail = pixels.lowerBound + blocks * rows..<pixels.upperBound
            applyToTail(input, rows: tail, cursor: cursor, columns: columns, into: output, adding: residual)
        }
    }

    /// Blocks of seven rows processed together, sized so their inputs stay in the L2 cache while every
    /// weight panel passes over them.
    private var chunkBlocks: Int {
        min(256, max(1, 512 * 1024 / (PackedMatrixKernel.rows * inputChannels * MemoryLayout<Float>.size)))
    }

    /// Consecutive dense input rows (and residual rows), seven per entry of `outputRows`, against the
    /// weight panels of `columns`; panels outermost so each panel is read once per chunk. Without
    /// AVX-512's registers, blocks go two at a time (`PackedMatrixKernel.blockPairIn16Registers`).
    private func applyChunk(
        _ input: UnsafePointer<Float>, outputRows: UnsafeBufferPointer<RowPointers>, residual: UnsafePointer<Float>?, columns: Range<Int>
    ) {
        let rowFloats = PackedMatrixKernel.rows * inputChannels
        let residualFloats = PackedMatrixKernel.rows * outputChannels
        var panel = UnsafePointer(panels.pointer + columns.lowerBound * inputChannels)
        for column in stride(from: columns.lowerBound, to: columns.upperBound, by: PackedMatrixKernel.panelWidth) {
            let panelWidth = outputChannels - column >= PackedMatrixKernel.panelWidth ? PackedMatrixKernel.panelWidth : 16
            var block = 0
            if !VectorRegisters.areWide {
                while block + 2 <= outputRows.count {
                    let first = outputRows[block], second = outputRows[block + 1]
                    PackedMatrixKernel.blockPairIn16Registers(
                        input + block * rowFloats, panel: panel, panelWidth: panelWidth, depth: inputChannels,
                        bias: bias.pointer + column, clampToSix: hasActivation, residual: residual.map { $0 + block * residualFloats + column },
                        residualStride: outputChannels, first: RowPointers { first[$0] + column }, second: RowPointers { second[$0] + column })
                    block += 2
                }
            }
            while block < outputRows.count {
                let rows = outputRows[block]
                PackedMatrixKernel.block(
                    input + block * rowFloats, panel: panel, panelWidth: panelWidth, depth: inputChannels,
                    bias: bias.pointer + column, clampToSix: hasActivation, residual: residual.map { $0 + block * residualFloats + column },
                    residualStride: outputChannels, output: RowPointers { rows[$0] + column })
                block += 1
            }
            panel += PackedMatrixKernel.panelWidth * inputChannels
        }
    }

    /// The last `pixels mod 7` rows, through a zero-padded seven-row copy; the missing rows' results are
    /// written to scratch and dropped.
    private func applyToTail(
        _ input: UnsafePointer<Float>, rows: Range<Int>, cursor: PixelCursor, columns: Range<Int>,
        into output: UnsafeMutablePointer<Float>, adding residual: UnsafePointer<Float>?
    ) {
        var cursor = cursor
        let blockRows = PackedMatrixKernel.rows
        let paddedInput = FloatBuffer(count: blockRows * inputChannels)
        paddedInput.pointer.update(from: input + rows.lowerBound * inputChannels, count: rows.count * inputChannels)
        let paddedResidual = residual.map { residual in
            let copy = FloatBuffer(count: blockRows * outputChannels)
            copy.pointer.update(from: residual + rows.lowerBound * outputChannels, count: rows.count * outputChannels)
            return copy
        }
        let discard = FloatBuffer(count: outputChannels)
        let outputRows = [RowPointers { $0 < rows.count ? output + cursor.nextOffset() : discard.pointer }]
        outputRows.withUnsafeBufferPointer { outputRows in
            applyChunk(
                paddedInput.pointer, outputRows: outputRows, residual: paddedResidual.map { UnsafePointer($0.pointer) }, columns: columns)
        }
    }
}
