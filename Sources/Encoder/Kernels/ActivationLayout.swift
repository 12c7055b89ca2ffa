/// Where each pixel of an NHWC activation lives in its buffer. A depthwise layer's input rows are stored
/// with a border of zeros (its TF "SAME" padding) so the depthwise kernel never tests bounds; the layer
/// that produces them writes straight into the interior. Dense activations are the zero-border case.
struct ActivationLayout: Sendable, Equatable {
    let height: Int
    let width: Int
    let channels: Int
    let padTop: Int
    let padBottom: Int
    let padLeft: Int
    let padRight: Int

    static func dense(height: Int, width: Int, channels: Int) -> ActivationLayout {
        ActivationLayout(height: height, width: width, channels: channels, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0)
    }

    var paddedHeight: Int { height + padTop + padBottom }
    var paddedWidth: Int { width + padLeft + padRight }
    var pixels: Int { height * width }
    /// Floats one image occupies, border included.
    var imageStride: Int { paddedHeight * paddedWidth * channels }
    var isDense: Bool { padTop == 0 && padBottom == 0 && padLeft == 0 && padRight == 0 }

    /// Float offset of pixel `y, x` (unpadded coordinates) of the first image.
    @inline(__always)
    func offset(y: Int, x: Int) -> Int {
        ((y + padTop) * paddedWidth + x + padLeft) * channels
    }

    /// Zeroes the border of `images` consecutive images, so a buffer that held other data can take
    /// this layout (the interior is about to be overwritten).
    func clearBorder(_ buffer: UnsafeMutablePointer<Float>, images: Int) {
        let rowFloats = paddedWidth * channels
        for image in 0..<images {
            let base = buffer + image * imageStride
            base.update(repeating: 0, count: padTop * rowFloats)
            (base + (padTop + height) * rowFloats).update(repeating: 0, count: padBottom * rowFloats)
            for y in padTop..<(padTop + height) {
                (base + y * rowFloats).update(repeating: 0, count: padLeft * channels)
                (base + y * rowFloats + (padLeft + width) * channels).update(repeating: 0, count: padRight * channels)
            }
        }
    }
}
