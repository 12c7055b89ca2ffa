import ArgumentParser
import CTurboJPEG
import Foundation

/// libjpeg-turbo alone decoding a JPEG to RGB at a DCT scale, with nothing else around it: the floor
/// under any decoding built on it. For a baseline JPEG the entropy (Huffman) decoding of every
/// coefficient is paid at every scale, so the floor stays well above zero even at 1/8.
struct TurboJPEGFloor {
    let data: Data

    /// Median milliseconds of `runs` decodes at 1/`denominator` scale, after 5 untimed ones.
    func milliseconds(denominator: Int32, runs: Int) throws -> Double {
        guard let handle = tjInitDecompress() else { throw ValidationError("cannot start TurboJPEG") }
        defer { tjDestroy(handle) }
        return try data.withUnsafeBytes { raw in
            let source = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, source, UInt(raw.count), &width, &height, &subsampling, &colorspace) == 0 else {
                throw ValidationError("not a JPEG TurboJPEG reads")
            }
            let factor = tjscalingfactor(num: 1, denom: denominator)
            let scaledWidth = tjScaledSize(width, factor), scaledHeight = tjScaledSize(height, factor)
            var pixels = [UInt8](repeating: 0, count: Int(scaledWidth * scaledHeight * 3))
            return try MedianTiming.milliseconds(runs: runs) {
                let status = pixels.withUnsafeMutableBufferPointer {
                    tjDecompress2(handle, source, UInt(raw.count), $0.baseAddress, scaledWidth, 0, scaledHeight, Int32(TJPF_RGB.rawValue), 0)
                }
                guard status == 0 else { throw ValidationError("TurboJPEG failed: \(String(cString: tjGetErrorStr2(handle)))") }
            }
        }
    }
}
