import CWebP

/// WebP (lossy and lossless) through libwebp; transparency is composited onto white.
enum WebPDecoder {
    static func decode(_ data: UnsafeRawBufferPointer, limits: DecodingLimits) throws -> RGBImage {
        let bytes = data.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var features = WebPBitstreamFeatures()
        let status = WebPGetFeatures(bytes, data.count, &features)
        guard status == VP8_STATUS_OK else {
            let truncated = status == VP8_STATUS_NOT_ENOUGH_DATA
            throw ImagingError(truncated ? .truncated : .corrupt, truncated ? "the WebP data ends early" : "not a readable WebP (status \(status.rawValue))")
        }
        let width = Int(features.width), height = Int(features.height)
        try limits.check(width: width, height: height)
        let channels = features.has_alpha != 0 ? 4 : 3
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let decoded = pixels.withUnsafeMutableBufferPointer { buffer in
            channels == 4
                ? WebPDecodeRGBAInto(bytes, data.count, buffer.baseAddress, buffer.count, Int32(width * 4))
                : WebPDecodeRGBInto(bytes, data.count, buffer.baseAddress, buffer.count, Int32(width * 3))
        }
        guard decoded != nil else {
            throw ImagingError(.corrupt, "the WebP data is damaged or incomplete")
        }
        let image = RGBImage(width: width, height: height, pixels: channels == 4 ? compositeOnWhite(pixels) : pixels)
        return orientation(of: data).map { $0.apply(to: image) } ?? image
    }

    private static func compositeOnWhite(_ rgba: [UInt8]) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: rgba.count / 4 * 3)
        for pixel in 0..<(rgba.count / 4) {
            let alpha = UInt32(rgba[pixel * 4 + 3])
            for channel in 0..<3 {
                rgb[pixel * 3 + channel] = UInt8((UInt32(rgba[pixel * 4 + channel]) * alpha + 255 * (255 - alpha) + 127) / 255)
            }
        }
        return rgb
    }

    /// The orientation in the RIFF container's `EXIF` chunk, if any.
    private static func orientation(of data: UnsafeRawBufferPointer) -> ExifOrientation? {
        var offset = 12
        while offset + 8 <= data.count {
            let type = String(decoding: data[offset..<offset + 4], as: UTF8.self)
            let length = (0..<4).reduce(0) { $0 | Int(data[offset + 4 + $1]) << (8 * $1) }
            let body = offset + 8..<min(offset + 8 + length, data.count)
            if type == "EXIF" { return ExifOrientation(exif: Array(data[body])) }
            offset += 8 + length + length % 2
        }
        return nil
    }
}
