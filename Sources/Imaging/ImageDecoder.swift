/// Decodes JPEG, PNG or WebP data (recognised by content) into upright 8-bit RGB.
public enum ImageDecoder {
    /// - Parameter minimumSide: the smallest width and height the caller can use; a JPEG may be decoded
    ///   at a reduced DCT scale as long as both sides stay at least this large.
    public static func decode(_ data: UnsafeRawBufferPointer, minimumSide: Int = .max, limits: DecodingLimits = .init()) throws -> RGBImage {
        guard data.count > 0 else { throw ImagingError(.empty, "the image is empty (0 bytes)") }
        switch ImageFormat.detect(data) {
        case .jpeg: return try JPEGDecoder.decode(data, minimumSide: minimumSide, limits: limits)
        case .png: return try PNGDecoder.decode(data, limits: limits)
        case .webp: return try WebPDecoder.decode(data, limits: limits)
        case nil:
            throw ImagingError(.unsupportedFormat, "the data is not a JPEG, PNG or WebP image (first bytes: \(hex(data.prefix(8))))")
        }
    }

    private static func hex(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }
}
