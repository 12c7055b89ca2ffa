/// Channel counts are rounded up to a multiple of the SIMD width so that every kernel works on whole
/// `SIMD16<Float>` vectors. The padding channels carry zero weights and zero bias, so they stay zero
/// through ReLU6 and residual additions and never change a result.
enum ChannelPadding {
    static let lanes = 16

    static func padded(_ channels: Int) -> Int {
        (channels + lanes - 1) / lanes * lanes
    }
}
