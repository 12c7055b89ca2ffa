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
                for c in 0..<3 { out[(y * width + x) * 3 + c] = bilinear(x: sx, y: sy, channel: c) }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// Turned by `degrees` (counter-clockwise) in a frame grown to hold the whole image, the corners
    /// filled with `fill`, bilinear: what an editor's rotate with the canvas expanded makes.
    public func turnedInGrownFrame(degrees: Double, fill: (UInt8, UInt8, UInt8)) -> RGBImage {
        let angle = degrees * .pi / 180
        let (cosine, sine) = (cos(angle), sin(angle))
        let frameWidth = Int((Double(width) * abs(cosine) + Double(height) * abs(sine)).rounded(.up))
        let frameHeight = Int((Double(width) * abs(sine) + Double(height) * abs(cosine)).rounded(.up))
        var out = [UInt8](repeating: 0, count: frameWidth * frameHeight * 3)
        for y in 0..<frameHeight {
            for x in 0..<frameWidth {
                let dx = Double(x) + 0.5 - Double(frameWidth) / 2, dy = Double(y) + 0.5 - Double(frameHeight) / 2
                let sx = cosine * dx - sine * dy + Double(width) / 2 - 0.5, sy = sine * dx + cosine * dy + Double(height) / 2 - 0.5
                let inside = sx >= -0.5 && sy >= -0.5 && sx <= Double(width) - 0.5 && sy <= Double(height) - 0.5
                for c in 0..<3 {
                    out[(y * frameWidth + x) * 3 + c] = inside ? bilinear(x: sx, y: sy, channel: c) : [fill.0, fill.1, fill.2][c]
                }
            }
        }
        return RGBImage(width: frameWidth, height: frameHeight, pixels: out)
    }

    /// Channel `channel` at (`x`, `y`), interpolated bilinearly, clamped to the edges.
    private func bilinear(x: Double, y: Double, channel: Int) -> UInt8 {
        let x = min(max(x, 0), Double(width - 1)), y = min(max(y, 0), Double(height - 1))
        let x0 = Int(x), y0 = Int(y), x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let fx = x - Double(x0), fy = y - Double(y0)
        func value(_ px: Int, _ py: Int) -> Double { Double(pixels[(py * width + px) * 3 + channel]) }
        let top = value(x0, y0) * (1 - fx) + value(x1, y0) * fx, bottom = value(x0, y1) * (1 - fx) + value(x1, y1) * fx
        return UInt8((top * (1 - fy) + bottom * fy).rounded())
    }

    /// In a frame `margin` pixels wider on every side, filled with grey level `fill`.
    public func padded(by margin: Int, fill: UInt8) -> RGBImage {
        let frameWidth = width + 2 * margin
        var out = [UInt8](repeating: fill, count: frameWidth * (height + 2 * margin) * 3)
        for y in 0..<height {
            let target = ((y + margin) * frameWidth + margin) * 3
            out.replaceSubrange(target..<target + width * 3, with: pixels[y * width * 3..<(y + 1) * width * 3])
        }
        return RGBImage(width: frameWidth, height: height + 2 * margin, pixels: out)
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
