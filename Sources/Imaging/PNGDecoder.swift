import CPNG

/// PNG through libpng's simplified API, which reports errors as return values (the classic API's
/// longjmp cannot cross Swift frames). Every PNG colour type, bit depth and palette comes out as 8-bit
/// RGB; transparency is composited onto white.
enum PNGDecoder {
    static func decode(_ data: UnsafeRawBufferPointer, limits: DecodingLimits) throws -> RGBImage {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        guard png_image_begin_read_from_memory(&image, data.baseAddress, data.count) != 0 else {
            throw ImagingError(.corrupt, "not a readable PNG: \(message(of: image))")
        }
        try limits.check(width: Int(image.width), height: Int(image.height))
        image.format = png_uint_32(PNG_FORMAT_RGB)
        let width = Int(image.width), height = Int(image.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var white = png_color(red: 255, green: 255, blue: 255)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, &white, $0.baseAddress, 0, nil) }
        guard finished != 0 else {
            let reason = message(of: image)
            let truncated = reason.contains("Read Error") || reason.contains("EOF") || reason.contains("truncated") || reason.contains("Not enough")
            throw ImagingError(truncated ? .truncated : .corrupt, "the PNG data is \(truncated ? "incomplete" : "damaged"): \(reason)")
        }
        let result = RGBImage(width: width, height: height, pixels: pixels)
        return orientation(of: data).map { $0.apply(to: result) } ?? result
    }

    private static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// The orientation in an `eXIf` chunk, if the file has one.
    private static func orientation(of data: UnsafeRawBufferPointer) -> ExifOrientation? {
        var offset = 8
        while offset + 8 <= data.count {
            let length = (0..<4).reduce(0) { $0 << 8 | Int(data[offset + $1]) }
            let type = String(decoding: data[offset + 4..<offset + 8], as: UTF8.self)
            let body = offset + 8..<min(offset + 8 + length, data.count)
            if type == "eXIf" { return ExifOrientation(exif: Array(data[body])) }
            if type == "IDAT" || type == "IEND" { return nil }
            offset += 12 + length
        }
        return nil
    }
}
