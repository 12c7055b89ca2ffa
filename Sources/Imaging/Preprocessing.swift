/// How a decoded photo becomes the network's input tensor. Part of a model's manifest, because the
/// numbers a network was trained on (crop, filter, scaling) are part of what the model means.
public struct Preprocessing: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// The classification recipe the golden files use: a centred square of side
        /// `cropFraction × min(width, height)`, resized to `size × size`.
        case centerCrop = "center-crop"
        /// The whole photo resized to `size × size` (aspect ratio not kept), so nothing near the
        /// border is lost — what retrieval of street scenes usually wants.
        case wholeImage = "whole-image"
    }

    public enum Filter: String, Codable, Sendable {
        /// Cubic convolution, a = −0.5, widened when shrinking (antialiasing), as Pillow's `BICUBIC`.
        case bicubic
        /// Triangle filter, widened when shrinking, as Pillow's `BILINEAR`.
        case bilinear
    }

    public var mode: Mode
    public var cropFraction: Double
    public var filter: Filter
    /// Side of the square network input, in pixels.
    public var size: Int
    /// Network input = (pixel − mean) × scale, per RGB channel.
    public var mean: Float
    public var scale: Float

    public init(mode: Mode, cropFraction: Double = 0.875, filter: Filter, size: Int = 224, mean: Float, scale: Float) {
        self.mode = mode
        self.cropFraction = cropFraction
        self.filter = filter
        self.size = size
        self.mean = mean
        self.scale = scale
    }

    /// The same recipe with another mode, for callers that select whole-image or centre-crop per use.
    public func with(mode: Mode) -> Preprocessing {
        var copy = self
        copy.mode = mode
        return copy
    }
}
