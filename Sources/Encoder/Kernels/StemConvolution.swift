/// The first layer: a dense 3×3 stride-2 convolution from the 3-channel NHWC image, with TF "SAME"
/// padding, bias and ReLU6. Too few input channels for a matrix product to pay; done directly.
struct StemConvolution: @unchecked Sendable {
    let outputChannels: Int
    private let kernelSize = 3
    private let stride = 2
    /// [ky][kx][input channel][output channel], output channels padded.
    private let weights: FloatBuffer
    private let bias: FloatBuffer

    init(_ folded: FoldedConvolution) {
        let spec = folded.spec
        precondition(spec.inputChannels == 3 && spec.kernelSize == 3 && spec.stride == 2)
        outputChannels = ChannelPadding.padded(spec.outputChannels)
        weights = FloatBuffer(count: 27 * outputChannels)
        for output in 0..<spec.outputChannels {
            for input in 0..<3 {
                for tap in 0..<9 {
                    weights.pointer[(tap * 3 + input) * outputChannels + output] = folded.weight[(output * 3 + input) * 9 + tap]
                }
            }
        }
        bias = FloatBuffer(folded.bias + [Float](repeating: 0, count: outputChannels - folded.bias.count))
    }

    func outputSize(for inputSize: Int) -> Int { (inputSize + 1) / 2 }

    /// Convolves `images` dense `side × side × 3` images into `output`, written in `layout`; a `split`
    /// shares out each image's output rows.
    func apply(
        _ input: UnsafePointer<Float>, side: Int, images: Int, into output: UnsafeMutablePointer<Float>, layout: ActivationLayout,
        split: LayerSplit
    ) {
        for image in 0..<images {
            split.run(over: 0..<outputSize(for: side)) { _, rows in
                convolve(input + image * side * side * 3, side: side, rows: rows, into: output + image * layout.imageStride, layout: layout)
            }
        }
    }

    /// Output `rows` of one image.
    private func convolve(
        _ input: UnsafePointer<Float>, side: Int, rows outputRows: Range<Int>, into output: UnsafeMutablePointer<Float>,
        layout: ActivationLayout
    ) {
        let outputSide = outputSize(for: side)
        let pad = max((outputSide - 1) * stride + kernelSize - side, 0) / 2
        for oy in outputRows {
            let y0 = oy * stride - pad
            let rows = max(0, -y0)..<min(3, side - y0)
            var ox = 0
            while ox < outputSide {
                let x0 = ox * stride - pad
                let out = output + layout.offset(y: oy, x: ox)
                if rows.count == 3, x0 >= 0, x0 + 3 * stride + 2 < side, ox + 4 <= outputSide {
                    convolveFourInterior(input + (y0 * side + x0) * 3, side: side, into: out, channelStride: layout.channels)
                    ox += 4
                } else {
                    convolveBorder(input, side: side, y0: y0, x0: x0, rows: rows, into: out)
                    ox += 1
                }
            }
        }
    }

    /// Four horizontally adjacent output pixels whose 3×3 windows lie inside the image, 32 channels at a
    /// time (16 with AVX2's 16 registers, `KernelVector`): each tap's input value is broadcast once and
    /// used by two weight vectors, eight accumulators.
    @inline(__always)
    private func convolveFourInterior(_ input: UnsafePointer<Float>, side: Int, into output: UnsafeMutablePointer<Float>, channelStride: Int) {
        if VectorRegisters.areWide {
            convolveFourInterior(input, side: side, into: output, channelStride: channelStride, vector: SIMD16<Float>.self)
        } else {
            convolveFourInterior(input, side: side, into: output, channelStride: channelStride, vector: SIMD8<Float>.self)
        }
    }

    @inline(__always)
    private func convolveFourInterior<Vector: KernelVector>(
        _ input: UnsafePointer<Float>, side: Int, into output: UnsafeMutablePointer<Float>, channelStride: Int, vector: Vector.Type
    ) {
        let step = stride * 3, lanes = Vector.scalarCount
        for channel in Swift.stride(from: 0, to: outputChannels, by: 2 * lanes) {
            let high = min(channel + lanes, outputChannels - lanes)
            let b0 = Vector.load(bias.pointer + channel), b1 = Vector.load(bias.pointer + high)
            var s00 = b0, s01 = b1, s10 = b0, s11 = b1, s20 = b0, s21 = b1, s30 = b0, s31 = b1
            for ky in 0..<3 {
                let row = input + ky * side * 3
                for tap in 0..<9 {
                    let taps = weights.pointer + (ky * 9 + tap) * outputChannels
                    let w0 = Vector.load(taps + channel), w1 = Vector.load(taps + high)
                    var x = Vector(repeating: row[tap]); s00.addProduct(x, w0); s01.addProduct(x, w1)
                    x = Vector(repeating: row[tap + step]); s10.addProduct(x, w0); s11.addProduct(x, w1)
                    x = Vector(repeating: row[tap + 2 * step]); s20.addProduct(x, w0); s21.addProduct(x, w1)
                    x = Vector(repeating: row[tap + 3 * step]); s30.addProduct(x, w0); s31.addProduct(x, w1)
                }
            }
            s00.relu6().store(to: output + channel)
            s10.relu6().store(to: output + channelStride + channel)
            s20.relu6().store(to: output + 2 * channelStride + channel)
            s30.relu6().store(to: output + 3 * channelStride + channel)
            s01.relu6().store(to: output + high)
            s11.relu6().store(to: output + channelStride + high)
            s21.relu6().store(to: output + 2 * channelStride + high)
            s31.relu6().store(to: output + 3 * channelStride + high)
        }
    }

    /// One output pixel whose window may overlap the zero padding.
    private func convolveBorder(
        _ input: UnsafePointer<Float>, side: Int, y0: Int, x0: Int, rows: Range<Int>, into output: UnsafeMutablePointer<Float>
    ) {
        for channel in Swift.stride(from: 0, to: outputChannels, by: 16) {
            var sum = SIMD16<Float>.load(bias.pointer + channel)
            for ky in rows {
                for kx in max(0, -x0)..<min(3, side - x0) {
                    let pixel = input + ((y0 + ky) * side + x0 + kx) * 3
                    let tapWeights = weights.pointer + (ky * 3 + kx) * 3 * outputChannels + channel
                    sum.addProduct(SIMD16(repeating: pixel[0]), SIMD16<Float>.load(tapWeights))
                    sum.addProduct(SIMD16(repeating: pixel[1]), SIMD16<Float>.load(tapWeights + outputChannels))
                    sum.addProduct(SIMD16(repeating: pixel[2]), SIMD16<Float>.load(tapWeights + 2 * outputChannels))
                }
            }
            sum.relu6().store(to: output + channel)
        }
    }
}
