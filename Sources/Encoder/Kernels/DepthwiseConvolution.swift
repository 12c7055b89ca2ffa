/// A k×k depthwise convolution with TF "SAME" padding over NHWC activations, followed by bias and ReLU6.
///
/// TF pads stride-2 layers asymmetrically (the extra row and column go at the bottom and right); that is
/// what the weights were trained with. The layer works one output row at a time on input rows that
/// already carry that zero border (see `inputLayout(side:)`), so the inner loops have no bounds tests:
/// seven output pixels share each weight vector load, with seven independent accumulators to keep the
/// FMA units busy.
struct DepthwiseConvolution: @unchecked Sendable {
    let channels: Int
    let kernelSize: Int
    let stride: Int
    /// [k·k × channels]: tap-major so one tap's weights for 16 channels are one vector.
    private let weights: FloatBuffer
    private let bias: FloatBuffer

    init(_ folded: FoldedConvolution) {
        let spec = folded.spec
        channels = ChannelPadding.padded(spec.outputChannels)
        kernelSize = spec.kernelSize
        stride = spec.stride
        let taps = kernelSize * kernelSize
        weights = FloatBuffer(count: taps * channels)
        for channel in 0..<spec.outputChannels {
            for tap in 0..<taps {
                weights.pointer[tap * channels + channel] = folded.weight[channel * taps + tap]
            }
        }
        bias = FloatBuffer(folded.bias + [Float](repeating: 0, count: channels - folded.bias.count))
    }

    func outputSize(for inputSize: Int) -> Int { (inputSize + stride - 1) / stride }

    /// The padded layout this layer reads a `side × side` input in.
    func inputLayout(side: Int) -> ActivationLayout {
        let total = max((outputSize(for: side) - 1) * stride + kernelSize - side, 0)
        return ActivationLayout(
            height: side, width: side, channels: channels,
            padTop: total / 2, padBottom: total - total / 2, padLeft: total / 2, padRight: total - total / 2)
    }

    /// One output row of `outputWidth` pixels from the `kernelSize` padded input rows it needs
    /// (`rows[ky]` is the first pixel of the row's left border).
    func applyRow(_ rows: UnsafePointer<UnsafeMutablePointer<Float>>, outputWidth: Int, into output: UnsafeMutablePointer<Float>) {
        if VectorRegisters.areWide {
            applyRow(rows, outputWidth: outputWidth, into: output, vector: SIMD16<Float>.self)
        } else {
            applyRow(rows, outputWidth: outputWidth, into: output, vector: SIMD8<Float>.self)
        }
    }

    /// The same, `Vector.scalarCount` channels at a time: seven accumulators of 16 floats and a weight
    /// vector fill 16 of AVX-512's 32 registers, but AVX2 has 16 registers of 8 floats.
    private func applyRow<Vector: KernelVector>(
        _ rows: UnsafePointer<UnsafeMutablePointer<Float>>, outputWidth: Int, into output: UnsafeMutablePointer<Float>,
        vector: Vector.Type
    ) {
        switch (kernelSize, stride) {
        case (3, 1): convolveRow(rows, outputWidth: outputWidth, into: output, shape: Kernel3Stride1.self, vector: vector)
        case (3, 2): convolveRow(rows, outputWidth: outputWidth, into: output, shape: Kernel3Stride2.self, vector: vector)
        case (5, 1): convolveRow(rows, outputWidth: outputWidth, into: output, shape: Kernel5Stride1.self, vector: vector)
        case (5, 2): convolveRow(rows, outputWidth: outputWidth, into: output, shape: Kernel5Stride2.self, vector: vector)
        default: preconditionFailure("no depthwise kernel for \(kernelSize)×\(kernelSize) stride \(stride)")
        }
    }

    /// Generic over the kernel shape so that each shape gets its own specialised copy with the tap loops
    /// fully unrolled (the compiler sees `k` and `s` as constants).
    private func convolveRow<Shape: DepthwiseShape, Vector: KernelVector>(
        _ rows: UnsafePointer<UnsafeMutablePointer<Float>>, outputWidth: Int, into output: UnsafeMutablePointer<Float>,
        shape: Shape.Type, vector: Vector.Type
    ) {
        let k = Shape.kernelSize, s = Shape.stride
        let step = s * channels
        for channel in Swift.stride(from: 0, to: channels, by: Vector.scalarCount) {
            let b = Vector.load(bias.pointer + channel)
            var ox = 0
            while ox + 7 <= outputWidth {
                var a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b
                for ky in 0..<k {
                    let row = rows[ky] + ox * step + channel
                    for kx in 0..<k {
                        let w = Vector.load(weights.pointer + (ky * k + kx) * channels + channel)
                        let p = row + kx * channels
                        a0.addProduct(Vector.load(p), w)
                        a1.addProduct(Vector.load(p + step), w)
                        a2.addProduct(Vector.load(p + 2 * step), w)
                        a3.addProduct(Vector.load(p + 3 * step), w)
                        a4.addProduct(Vector.load(p + 4 * step), w)
                        a5.addProduct(Vector.load(p + 5 * step), w)
                        a6.addProduct(Vector.load(p + 6 * step), w)
                    }
                }
                let out = output + ox * channels + channel
                a0.relu6().store(to: out)
                a1.relu6().store(to: out + channels)
                a2.relu6().store(to: out + 2 * channels)
                a3.relu6().store(to: out + 3 * channels)
                a4.relu6().store(to: out + 4 * channels)
                a5.relu6().store(to: out + 5 * channels)
                a6.relu6().store(to: out + 6 * channels)
                ox += 7
            }
            while ox < outputWidth {
                var sum = b
                for ky in 0..<k {
                    for kx in 0..<k {
                        let w = Vector.load(weights.pointer + (ky * k + kx) * channels + channel)
                        sum.addProduct(Vector.load(rows[ky] + (ox * s + kx) * channels + channel), w)
                    }
                }
                sum.relu6().store(to: output + ox * channels + channel)
                ox += 1
            }
        }
    }
}
