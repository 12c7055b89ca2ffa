import CPNG
import CTurboJPEG
import CWebP
import Foundation
import Imaging

/// Encoders for images the tests make themselves: synthetic patterns in every format and flavour the
/// decoders must handle (grayscale, CMYK, alpha, 16-bit, EXIF orientation), and re-encoded copies of
/// real photos.
public enum TestImages {
    /// A smooth colour pattern with a distinct corner, so orientation mistakes show.
    public static func pattern(width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let at = (y * width + x) * 3
                pixels[at] = UInt8(x * 255 / max(width - 1, 1))
                pixels[at + 1] = UInt8(y * 255 / max(height - 1, 1))
                pixels[at + 2] = (x < width / 4 && y < height / 4) ? 255 : 40
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Random pixels: an image no codec can compress, for tests that need a large file.
    public static func noise(width: Int, height: Int, seed: UInt64 = 1) -> RGBImage {
        var state = seed
        let pixels = (0..<(width * height * 3)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// A baseline JPEG; `orientation` adds an APP1 Exif segment carrying that tag.
    public static func jpeg(_ image: RGBImage, quality: Int = 92, grayscale: Bool = false, orientation: Int? = nil) -> Data {
        var jpeg = compress(image.pixels, width: image.width, height: image.height, format: TJPF_RGB,
                            subsampling: grayscale ? TJSAMP_GRAY : TJSAMP_420, quality: quality)
        if let orientation { jpeg = insertExif(orientation: orientation, into: jpeg) }
        return jpeg
    }

    /// A CMYK JPEG stored the way Adobe applications store it (inverted), made so that it decodes to
    /// `image`: C, M, Y = R, G, B and K = 255 in the inverted convention.
    public static func invertedCMYKJPEG(_ image: RGBImage) -> Data {
        var cmyk = [UInt8](repeating: 255, count: image.width * image.height * 4)
        for pixel in 0..<(image.width * image.height) {
            for channel in 0..<3 { cmyk[pixel * 4 + channel] = image.pixels[pixel * 3 + channel] }
        }
        return compress(cmyk, width: image.width, height: image.height, format: TJPF_CMYK, subsampling: TJSAMP_444, quality: 95)
    }

    private static func compress(_ pixels: [UInt8], width: Int, height: Int, format: TJPF, subsampling: TJSAMP, quality: Int) -> Data {
        let handle = tjInitCompress()!
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = pixels.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(width), 0, Int32(height), Int32(format.rawValue), &buffer, &size,
                        Int32(subsampling.rawValue), Int32(quality), 0)
        }
        precondition(status == 0, String(cString: tjGetErrorStr2(handle)))
        defer { tjFree(buffer) }
        return Data(bytes: buffer!, count: Int(size))
    }

    /// Inserts an APP1 segment (big-endian TIFF, IFD0 with only the orientation tag) after SOI.
    private static func insertExif(orientation: Int, into jpeg: Data) -> Data {
        var tiff: [UInt8] = Array("Exif\0\0".utf8) + [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]
        tiff += [0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, UInt8(orientation), 0x00, 0x00]
        tiff += [0x00, 0x00, 0x00, 0x00]
        let length = tiff.count + 2
        var out = Data(jpeg.prefix(2))
        out += [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + tiff
        out += jpeg.dropFirst(2)
        return out
    }

    /// libpng's simplified-API pixel formats (its `PNG_FORMAT_*` macros, which Swift cannot import).
    public enum PNGPixelFormat: UInt32, Sendable {
        case gray = 0
        case rgb = 2
        case rgba = 3
        /// 16-bit RGB.
        case linearRGB = 6
    }

    /// A PNG through libpng's simplified writer; `pixels` must match `format` (16-bit formats take two
    /// bytes per channel).
    public static func png(pixels: [UInt8], width: Int, height: Int, format: PNGPixelFormat) -> Data {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = format.rawValue
        var size: png_alloc_size_t = 0
        pixels.withUnsafeBytes { _ = png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }
        var out = [UInt8](repeating: 0, count: Int(size))
        let written = out.withUnsafeMutableBytes { buffer in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, buffer.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        precondition(written != 0, "png write failed")
        return Data(out.prefix(Int(size)))
    }

    public static func png(_ image: RGBImage) -> Data {
        png(pixels: image.pixels, width: image.width, height: image.height, format: .rgb)
    }

    /// A lossy WebP, or a lossless one with an alpha channel when `alpha` is given (one byte per pixel).
    public static func webp(_ image: RGBImage, quality: Float = 90, alpha: [UInt8]? = nil) -> Data {
        var output: UnsafeMutablePointer<UInt8>? = nil
        let size: Int
        if let alpha {
            var rgba = [UInt8](repeating: 0, count: image.width * image.height * 4)
            for pixel in 0..<(image.width * image.height) {
                for channel in 0..<3 { rgba[pixel * 4 + channel] = image.pixels[pixel * 3 + channel] }
                rgba[pixel * 4 + 3] = alpha[pixel]
            }
            size = WebPEncodeLosslessRGBA(rgba, Int32(image.width), Int32(image.height), Int32(image.width * 4), &output)
        } else {
            size = WebPEncodeRGB(image.pixels, Int32(image.width), Int32(image.height), Int32(image.width * 3), quality, &output)
        }
        precondition(size > 0, "webp encode failed")
        defer { WebPFree(output) }
        return Data(bytes: output!, count: size)
    }
}
