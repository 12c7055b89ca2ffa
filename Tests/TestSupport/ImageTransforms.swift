import Foundation
import Imaging

/// Transformed copies of a photo, as the end-to-end tests (and the original design's own test) use
/// them: the service must find the original from each.
extension RGBImage {
    public func flippedHorizontally() -> RGBImage {
        var out = pixels
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 { out[(y * width + x) * 3 + c] = pixels[(y * width + width - 1 - x) * 3 + c] }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// Rotated by `degrees` (counter-clockwise) about the centre, same size, bilinear, corners black.
    public func rotated(degrees: Double) -> RGBImage {
        let angle = degrees * .pi / 180
        let (cosine, sine) = (cos(angle), sin(angle))
        let (cx, cy) = (Double(width - 1) / 2, Double(height - 1) / 2)
        var out = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x) - cx, dy = Double(y) - cy
                let sx = cosine * dx - sine * dy + cx, sy = sine * dx + cosine * dy + cy
                guard sx >= 0, sy >= 0, sx <= Double(width - 1), sy <= Double(height - 1) else { continue }
                let x0 = Int(sx), y0 = Int(sy), x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
                let fx = sx - Double(x0), fy = sy - Double(y0)
                for c in 0..<3 {
                    let top = Double(pixels[(y0 * width + x0) * 3 + c]) * (1 - fx) + Double(pixels[(y0 * width + x1) * 3 + c]) * fx
                    let bottom = Double(pixels[(y1 * width + x0) * 3 + c]) * (1 - fx) + Double(pixels[(y1 * width + x1) * 3 + c]) * fx
                    out[(y * width + x) * 3 + c] = UInt8((top * (1 - fy) + bottom * fy).rounded())
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// The central `fraction` of each side.
    public func centerCropped(keeping fraction: Double) -> RGBImage {
        let w = Int(Double(width) * fraction), h = Int(Double(height) * fraction)
        return cropped(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
    }
}

extension TestImages {
    /// A photo fixture decoded to pixels.
    public static func photo(_ stem: String) throws -> RGBImage {
        try Fixtures.photo(stem).withUnsafeBytes { try ImageDecoder.decode($0) }
    }
}
