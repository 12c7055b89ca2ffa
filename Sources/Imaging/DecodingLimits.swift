/// Bounds on what a decoder will allocate for one image. Checked against the image's header before any
/// pixel memory exists, so a small file claiming a huge image costs nothing.
public struct DecodingLimits: Sendable, Equatable {
    /// Largest accepted width × height. The default, 100 megapixels, admits any camera photo.
    public var maxPixels: Int

    public init(maxPixels: Int = 100_000_000) {
        self.maxPixels = maxPixels
    }

    func check(width: Int, height: Int) throws {
        guard width > 0, height > 0 else {
            throw ImagingError(.corrupt, "the image header gives a size of \(width)×\(height)")
        }
        guard width.multipliedReportingOverflow(by: height).partialValue <= maxPixels, width <= 1 << 20, height <= 1 << 20 else {
            throw ImagingError(.tooLarge, "the image is \(width)×\(height) pixels, more than the limit of \(maxPixels) (raise --max-image-pixels to accept it)")
        }
    }
}
