import CTurboJPEG

/// JPEG through libjpeg-turbo's TurboJPEG API, decoding at the smallest DCT scale (1/8, 1/4, 1/2 or 1)
/// that still gives at least the size the caller needs: a 1080p photo headed for a 224-pixel network
/// decodes at 1/4 scale, skipping most of the inverse DCT work.
///
/// Only the power-of-two scales: the others (3/8, 5/8, …) decode about twice as slowly here, and a 5/8
/// decode of a small photo followed by a near 1:1 resize changes its features noticeably (cosine 0.992
/// against the reference pipeline for the golden rocket photo, 1.0 at full scale).
enum JPEGDecoder {
    static func decode(_ data: UnsafeRawBufferPointer, minimumSide: Int, limits: DecodingLimits) throws -> RGBImage {
        guard let handle = tjInitDecompress() else {
            throw ImagingError(.corrupt, "cannot start the JPEG decoder")
        }
        defer { tjDestroy(handle) }
        let source = data.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, source, UInt(data.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw ImagingError(.corrupt, "not a readable JPEG: \(errorMessage(handle))")
        }
        try limits.check(width: Int(width), height: Int(height))
        let factor = scalingFactor(width: Int(width), height: Int(height), minimumSide: minimumSide)
        let scaledWidth = Int(tjScaledSize(width, factor)), scaledHeight = Int(tjScaledSize(height, factor))
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let channels = isCMYK ? 4 : 3
        let format = isCMYK ? TJPF_CMYK : TJPF_RGB
        var pixels = [UInt8](repeating: 0, count: scaledWidth * scaledHeight * channels)
        let status = pixels.withUnsafeMutableBufferPointer { buffer in
            tjDecompress2(
                handle, source, UInt(data.count), buffer.baseAddress, Int32(scaledWidth), 0, Int32(scaledHeight),
                Int32(format.rawValue), 0)
        }
        if status != 0 {
            try classifyFailure(handle)
        }
        let image = RGBImage(width: scaledWidth, height: scaledHeight, pixels: isCMYK ? rgb(fromInvertedCMYK: pixels) : pixels)
        return orientation(of: data).map { $0.apply(to: image) } ?? image
    }

    /// The smallest power-of-two factor ≤ 1 whose output keeps both sides ≥ `minimumSide` (or the
    /// image's own size when it is smaller than that).
    private static func scalingFactor(width: Int, height: Int, minimumSide: Int) -> tjscalingfactor {
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count) else { return tjscalingfactor(num: 1, denom: 1) }
        let needed = min(minimumSide, width, height)
        return UnsafeBufferPointer(start: factors, count: Int(count))
            .filter { $0.num == 1 && [1, 2, 4, 8].contains($0.denom) }
            .filter { Int(tjScaledSize(Int32(width), $0)) >= needed && Int(tjScaledSize(Int32(height), $0)) >= needed }
            .min { Double($0.num) / Double($0.denom) < Double($1.num) / Double($1.denom) }
            ?? tjscalingfactor(num: 1, denom: 1)
    }

    /// Warnings about damaged but decodable data (extraneous bytes, for instance) are common in real
    /// photos and accepted; running out of data is a truncated file and is not.
    private static func classifyFailure(_ handle: tjhandle) throws {
        let message = errorMessage(handle)
        if message.contains("Premature end") {
            throw ImagingError(.truncated, "the JPEG data ends early (\(message)); the file is incomplete")
        }
        guard tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) else {
            throw ImagingError(.corrupt, "the JPEG data is damaged: \(message)")
        }
    }

    private static func errorMessage(_ handle: tjhandle) -> String {
        String(cString: tjGetErrorStr2(handle))
    }

    /// Adobe applications (the usual source of CMYK JPEGs) store CMYK inverted, so R = C·K/255 etc.
    private static func rgb(fromInvertedCMYK cmyk: [UInt8]) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: cmyk.count / 4 * 3)
        for pixel in 0..<(cmyk.count / 4) {
            let k = UInt32(cmyk[pixel * 4 + 3])
            for channel in 0..<3 {
                rgb[pixel * 3 + channel] = UInt8(UInt32(cmyk[pixel * 4 + channel]) * k / 255)
            }
        }
        return rgb
    }

    /// The orientation recorded in an APP1 Exif segment before the image data, if any.
    private static func orientation(of data: UnsafeRawBufferPointer) -> ExifOrientation? {
        var offset = 2
        while offset + 4 <= data.count, data[offset] == 0xFF {
            let marker = data[offset + 1]
            let length = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
            if marker == 0xDA || length < 2 { return nil }
            let segment = offset + 4..<min(offset + 2 + length, data.count)
            if marker == 0xE1, segment.count > 6, Array(data[segment.prefix(6)]) == Array("Exif\0\0".utf8) {
                return ExifOrientation(exif: Array(data[segment]))
            }
            offset += 2 + length
        }
        return nil
    }
}
