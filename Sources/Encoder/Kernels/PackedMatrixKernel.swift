/// Register-blocked matrix product for 1×1 convolutions: 7 pixels × 32 output channels per step, with
/// the input rows dense (`depth` floats apart) and each output row at its own address, and with the
/// weights packed once at load into 32-column panels so the inner loop reads them sequentially, and
/// bias, ReLU6 and the residual applied while the results are still in registers.
///
/// Seven rows because every spatial size of a 224-pixel network is 7·2ⁿ, so pixel counts are multiples
/// of 7 and no layer needs a partial block; fourteen accumulators plus two weight vectors fit the 32
/// AVX-512 registers with room to spare. With 16 registers (AVX2) they do not: the compiler kept most
/// of them on the stack, so there a block is computed 16 columns and four then three rows at a time,
/// and two consecutive blocks six, four and four rows at a time (`blockPairIn16Registers`).
enum PackedMatrixKernel {
    static let rows = 7
    static let panelWidth = 32

    /// Output rows `[row, row + 7)` × the `panelWidth` (32 or 16) columns of `panel`, with the blocks
    /// this CPU's registers hold. Every kernel sums each output in the same order (bias, then input
    /// channel by channel, fused multiply-adds), so the results do not depend on the choice.
    @inline(__always)
    static func block(
        _ a: UnsafePointer<Float>, panel: UnsafePointer<Float>, panelWidth: Int, depth: Int,
        bias: UnsafePointer<Float>, clampToSix: Bool, residual: UnsafePointer<Float>?, residualStride: Int,
        output: RowPointers
    ) {
        if !VectorRegisters.areWide {
            blockIn16Registers(
                a, panel: panel, panelWidth: panelWidth, depth: depth, bias: bias, clampToSix: clampToSix, residual: residual,
                residualStride: residualStride, output: output)
        } else if panelWidth == 32 {
            block32(a, panel: panel, depth: depth, bias: bias, clampToSix: clampToSix, residual: residual, residualStride: residualStride, output: output)
        } else {
            block16(a, panel: panel, depth: depth, bias: bias, clampToSix: clampToSix, residual: residual, residualStride: residualStride, output: output)
        }
    }

    /// The same block with at most eight accumulators live: 16 columns and four, then three rows at
    /// a time.
    @inline(__always)
    static func blockIn16Registers(
        _ a: UnsafePointer<Float>, panel: UnsafePointer<Float>, panelWidth: Int, depth: Int,
        bias: UnsafePointer<Float>, clampToSix: Bool, residual: UnsafePointer<Float>?, residualStride: Int,
        output: RowPointers
    ) {
        for column in stride(from: 0, to: panelWidth, by: 16) {
            let part = ResultWriter(
                clampToSix: clampToSix, residual: residual.map { $0 + column }, residualStride: residualStride,
                output: RowPointers { output[$0] + column })
            block4x16(a, panel: panel + column, panelWidth: panelWidth, depth: depth, bias: bias + column, finish: part)
            block3x16(a, panel: panel + column, panelWidth: panelWidth, depth: depth, bias: bias + column, finish: part)
        }
    }

    /// Two consecutive blocks (`first`'s seven rows, then `second`'s, their inputs consecutive) with
    /// 16 registers: six, four and four rows at a time, so every part has at least eight independent
    /// sums to keep both FMA units busy through the FMA latency (a lone block's three-row part has six).
    @inline(__always)
    static func blockPairIn16Registers(
        _ a: UnsafePointer<Float>, panel: UnsafePointer<Float>, panelWidth: Int, depth: Int,
        bias: UnsafePointer<Float>, clampToSix: Bool, residual: UnsafePointer<Float>?, residualStride: Int,
        first: RowPointers, second: RowPointers
    ) {
        for column in stride(from: 0, to: panelWidth, by: 16) {
            /// The pair's rows from `firstRow` on, at this column.
            func rows(from firstRow: Int) -> ResultWriter {
                ResultWriter(
                    clampToSix: clampToSix, residual: residual.map { $0 + firstRow * residualStride + column },
                    residualStride: residualStride,
                    output: RowPointers { row in
                        let pairRow = min(firstRow + row, 2 * Self.rows - 1)
                        return (pairRow < Self.rows ? first[pairRow] : second[pairRow - Self.rows]) + column
                    })
            }
            let weights = panel + column, columnBias = bias + column
            block6x16(a, panel: weights, panelWidth: panelWidth, depth: depth, bias: columnBias, finish: rows(from: 0))
            block4x16(a + 6 * depth, panel: weights, panelWidth: panelWidth, depth: depth, bias: columnBias, finish: rows(from: 6))
            block4x16(a + 10 * depth, panel: weights, panelWidth: panelWidth, depth: depth, bias: columnBias, finish: rows(from: 10))
        }
    }

    /// Output rows `[row, row + 7)` × columns `[column, column + 32)`.
    @inline(__always)
    static func block32(
        _ a: UnsafePointer<Float>, panel: UnsafePointer<Float>, depth: Int,
        bias: UnsafePointer<Float>, clampToSix: Bool, residual: UnsafePointer<Float>?, residualStride: Int,
        output: RowPointers
    ) {
        let b0 = SIMD16<Float>.load(bias), b1 = SIMD16<Float>.load(bias + 16)
        var c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1
        var c40 = b0, c41 = b1, c50 = b0, c51 = b1, c60 = b0, c61 = b1
        let a0 = a, a1 = a + depth, a2 = a + 2 * depth, a3 = a + 3 * depth, a4 = a + 4 * depth, a5 = a + 5 * depth, a6 = a + 6 * depth
        var weights = panel
        for k in 0..<depth {
            let w0 = SIMD16<Float>.load(weights), w1 = SIMD16<Float>.load(weights + 16)
            var x = SIMD16<Float>(repeating: a0[k]); c00.addProduct(x, w0); c01.addProduct(x, w1)
            x = SIMD16<Float>(repeating: a1[k]); c10.addProduct(x, w0); c11.addProduct(x, w1)
            x = SIMD16<Float>(repeating: a2[k]); c20.addProduct(x, w0); c21.addProduct(x, w1)
            x = SIMD16<Float>(repeating: a3[k]); c30.addProduct(x, w0); c31.addProduct(x, w1)
            x = SIMD16<Float>(repeating: a4[k]); c40.addProduct(x, w0); c41.addProduct(x, w1)
            x = SIMD16<Float>(repeating: a5[k]); c50.addProduct(x, w0); c51.addProduct(x, w1)
            x = SIMD16<Float>(repeating: a6[k]); c60.addProduct(x, w0); c61.addProduct(x, w1)
            weights += 32
        }
        let finish = ResultWriter(clampToSix: clampToSix, residual: residual, residualStride: residualStride, output: output)
        finish.store(c00, row: 0, column: 0); finish.store(c01, row: 0, column: 16)
        finish.store(c10, row: 1, column: 0); finish.store(c11, row: 1, column: 16)
        finish.store(c20, row: 2, column: 0); finish.store(c21, row: 2, column: 16)
        finish.store(c30, row: 3, column: 0); finish.store(c31, row: 3, column: 16)
        finish.store(c40, row: 4, column: 0); finish.store(c41, row: 4, column: 16)
        finish.store(c50, row: 5, column: 0); finish.store(c51, row: 5, column: 16)
        finish.store(c60, row: 6, column: 0); finish.store(c61, row: 6, column: 16)
    }

    /// Output rows `[row, row + 7)` × columns `[column, column + 16)`: the last panel when the channel
    /// count is an odd multiple of 16.
    @inline(__always)
    static func block16(
        _ a: UnsafePointer<Float>, panel: UnsafePointer<Float>, depth: Int,
        bias: UnsafePointer<Float>, clampToSix: Bool, residual: UnsafePointer<Float>?, residualStride: Int,
        output: RowPointers
    ) {
        let b0 = SIMD16<Float>.load(bias)
        var c0 = b0, c1 = b0, c2 = b0, c3 = b0, c4 = b0, c5 = b0, c6 = b0
        let a0 = a, a1 = a + depth, a2 = a + 2 * depth, a3 = a + 3 * depth, a4 = a + 4 * depth, a5 = a + 5 * depth, a6 = a + 6 * depth
        var weights = panel
        for k in 0..<depth {
            let w = SIMD16<Float>.load(weights)
            c0.addProduct(SIMD16(repeating: a0[k]), w)
            c1.addProduct(SIMD16(repeating: a1[k]), w)
            c2.addProduct(SIMD16(repeating: a2[k]), w)
            c3.addProduct(SIMD16(repeating: a3[k]), w)
            c4.addProduct(SIMD16(repeating: a4[k]), w)
            c5.addProduct(SIMD16(repeating: a5[k]), w)
            c6.addProduct(SIMD16(repeating: a6[k]), w)
            weights += 16
        }
        let finish = ResultWriter(clampToSix: clampToSix, residual: residual, residualStride: residualStride, output: output)
        finish.store(c0, row: 0, column: 0)
        finish.store(c1, row: 1, column: 0)
        finish.store(c2, row: 2, column: 0)
        finish.store(c3, row: 3, column: 0)
        finish.store(c4, row: 4, column: 0)
        finish.store(c5, row: 5, column: 0)
        finish.store(c6, row: 6, column: 0)
    }

    /// Output rows `[row, row + 6)` × 16 columns of a panel `panelWidth` wide: twelve accumulators,
    /// two weight vectors and the broadcast input fill 15 of the 16 registers.
    @inline(__always)
    static func block6x16(
        _ a: UnsafePointer<Float>, panel: UnsafePointer<Float>, panelWidth: Int, depth: Int, bias: UnsafePointer<Float>,
        finish: ResultWriter
    ) {
        let b0 = SIMD8<Float>.load(bias), b1 = SIMD8<Float>.load(bias + 8)
        var c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1, c40 = b0, c41 = b1, c50 = b0, c51 = b1
        let a0 = a, a1 = a + depth, a2 = a + 2 * depth, a3 = a + 3 * depth, a4 = a + 4 * depth, a5 = a + 5 * depth
        var weights = panel
        for k in 0..<depth {
            let w0 = SIMD8<Float>.load(weights), w1 = SIMD8<Float>.load(weights + 8)
            var x = SIMD8<Float>(repeating: a0[k]); c00.addProduct(x, w0); c01.addProduct(x, w1)
            x = SIMD8<Float>(repeating: a1[k]); c10.addProduct(x, w0); c11.addProduct(x, w1)
            x = SIMD8<Float>(repeating: a2[k]); c20.addProduct(x, w0); c21.addProduct(x, w1)
            x = SIMD8<Float>(repeating: a3[k]); c30.addProduct(x, w0); c31.addProduct(x, w1)
            x = SIMD8<Float>(repeating: a4[k]); c40.addProduct(x, w0); c41.addProduct(x, w1)
            x = SIMD8<Float>(repeating: a5[k]); c50.addProduct(x, w0); c51.addProduct(x, w1)
            weights += panelWidth
        }
        finish.store(c00, row: 0, column: 0); finish.store(c01, row: 0, column: 8)
        finish.store(c10, row: 1, column: 0); finish.store(c11, row: 1, column: 8)
        finish.store(c20, row: 2, column: 0); finish.store(c21, row: 2, column: 8)
        finish.store(c30, row: 3, column: 0); finish.store(c31, row: 3, column: 8)
        finish.store(c40, row: 4, column: 0); finish.store(c41, row: 4, column: 8)
        finish.store(c50, row: 5, column: 0); finish.store(c51, row: 5, column: 8)
    }

    /// Output rows `[row, row + 4)` × 16 columns of a panel `panelWidth` wide: eight accumulators.
    @inline(__always)
    static func block4x16(
        _ a: UnsafePointer<Float>, panel: UnsafePointer<Float>, panelWidth: Int, depth: Int, bias: UnsafePointer<Float>,
        finish: ResultWriter
    ) {
        let b0 = SIMD8<Float>.load(bias), b1 = SIMD8<Float>.load(bias + 8)
        var c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1
        let a0 = a, a1 = a + depth, a2 = a + 2 * depth, a3 = a + 3 * depth
        var weights = panel
        for k in 0..<depth {
            let w0 = SIMD8<Float>.load(weights), w1 = SIMD8<Float>.load(weights + 8)
            var x = SIMD8<Float>(repeating: a0[k]); c00.addProduct(x, w0); c01.addProduct(x, w1)
            x = SIMD8<Float>(repeating: a1[k]); c10.addProduct(x, w0); c11.addProduct(x, w1)
            x = SIMD8<Float>(repeating: a2[k]); c20.addProduct(x, w0); c21.addProduct(x, w1)
            x = SIMD8<Float>(repeating: a3[k]); c30.addProduct(x, w0); c31.addProduct(x, w1)
            weights += panelWidth
        }
        finish.store(c00, row: 0, column: 0); finish.store(c01, row: 0, column: 8)
        finish.store(c10, row: 1, column: 0); finish.store(c11, row: 1, column: 8)
        finish.store(c20, row: 2, column: 0); finish.store(c21, row: 2, column: 8)
        finish.store(c30, row: 3, column: 0); finish.store(c31, row: 3, column: 8)
    }

    /// Output rows `[row + 4, row + 7)` × 16 columns of a panel `panelWidth` wide: six accumulators.
    @inline(__always)
    static func block3x16(
        _ a: UnsafePointer<Float>, panel: UnsafePointer<Float>, panelWidth: Int, depth: Int, bias: UnsafePointer<Float>,
        finish: ResultWriter
    ) {
        let b0 = SIMD8<Float>.load(bias), b1 = SIMD8<Float>.load(bias + 8)
        var c40 = b0, c41 = b1, c50 = b0, c51 = b1, c60 = b0, c61 = b1
        let a4 = a + 4 * depth, a5 = a + 5 * depth, a6 = a + 6 * depth
        var weights = panel
        for k in 0..<depth {
            let w0 = SIMD8<Float>.load(weights), w1 = SIMD8<Float>.load(weights + 8)
            var x = SIMD8<Float>(repeating: a4[k]); c40.addProduct(x, w0); c41.addProduct(x, w1)
            x = SIMD8<Float>(repeating: a5[k]); c50.addProduct(x, w0); c51.addProduct(x, w1)
            x = SIMD8<Float>(repeating: a6[k]); c60.addProduct(x, w0); c61.addProduct(x, w1)
            weights += panelWidth
        }
        finish.store(c40, row: 4, column: 0); finish.store(c41, row: 4, column: 8)
        finish.store(c50, row: 5, column: 0); finish.store(c51, row: 5, column: 8)
        finish.store(c60, row: 6, column: 0); finish.store(c61, row: 6, column: 8)
    }

    /// Where a block's results go, and what happens to them on the way: ReLU6, then the residual.
    struct ResultWriter {
        let clampToSix: Bool
        let residual: UnsafePointer<Float>?
        let residualStride: Int
        let output: RowPointers

        @inline(__always)
        func store(_ value: SIMD16<Float>, row: Int, column: Int) {
            var result = clampToSix ? value.relu6() : value
            if let residual { result += SIMD16<Float>.load(residual + row * residualStride + column) }
            result.store(to: output[row] + column)
        }

        /// Transparent: marked `@inline(__always)` it stayed an out-of-line call in the 16-register
        /// blocks (6 % of the network's time on an AMD EPYC; 4 % fewer samples inlined).
        @_transparent
        func store(_ value: SIMD8<Float>, row: Int, column: Int) {
            var result = clampToSix ? value.relu6() : value
            if let residual { result += SIMD8<Float>.load(residual + row * residualStride + column) }
            result.store(to: output[row] + column)
        }
    }
}
