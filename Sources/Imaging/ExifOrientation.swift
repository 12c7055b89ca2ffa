/// The EXIF orientation tag (0x0112): how the stored pixels must be turned to appear upright. Cameras
/// store portrait photos sideways and set this tag; ignoring it would index such photos rotated.
public enum ExifOrientation: Int, Sendable {
    case up = 1, mirrored = 2, down = 3, mirroredDown = 4
    case transposed = 5, rotatedClockwise = 6, transverse = 7, rotatedCounterClockwise = 8

    /// Reads the orientation from a TIFF-structured EXIF block (after the `Exif\0\0` prefix, if any);
    /// nil when absent or unreadable (a damaged EXIF block never fails a decode).
    public init?(exif bytes: [UInt8]) {
        var tiff = bytes[...]
        if tiff.starts(with: Array("Exif\0\0".utf8)) { tiff = tiff.dropFirst(6) }
        let base = tiff.startIndex
        guard tiff.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[base], tiff[base + 1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func read(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, offset + size <= tiff.count else { return nil }
            let field = (0..<size).map { Int(tiff[base + offset + $0]) }
            return (littleEndian ? field.reversed() : field).reduce(0) { $0 << 8 | $1 }
        }
        guard let directory = read(4, 4), let entries = read(directory, 2) else { return nil }
        for entry in 0..<entries {
            let at = directory + 2 + entry * 12
            guard let tag = read(at, 2) else { return nil }
            if tag == 0x0112, let value = read(at + 8, 2) {
                self.init(rawValue: value)
                return
            }
        }
        return nil
    }

    /// Whether width and height trade places.
    var swapsAxes: Bool { rawValue >= 5 }

    /// `image` turned upright.
    public func apply(to image: RGBImage) -> RGBImage {
        guard self != .up else { return image }
        let (w, h) = (image.width, image.height)
        let (outWidth, outHeight) = swapsAxes ? (h, w) : (w, h)
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        let (sx, sy) = sourcePixel(ox: ox, oy: oy, width: w, height: h)
                        let from = (sy * w + sx) * 3, to = (oy * outWidth + ox) * 3
                        destination[to] = source[from]
                        destination[to + 1] = source[from + 1]
                        destination[to + 2] = source[from + 2]
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: out)
    }

    private func sourcePixel(ox: Int, oy: Int, width w: Int, height h: Int) -> (Int, Int) {
        switch self {
        case .up: (ox, oy)
        case .mirrored: (w - 1 - ox, oy)
        case .down: (w - 1 - ox, h - 1 - oy)
        case .mirroredDown: (ox, h - 1 - oy)
        case .transposed: (oy, ox)
        case .rotatedClockwise: (oy, h - 1 - ox)
        case .transverse: (w - 1 - oy, h - 1 - ox)
        case .rotatedCounterClockwise: (w - 1 - oy, ox)
        }
    }
}
