import Foundation

/// Valid files edited to lie about their size, for tests of the decoders' limits.
public enum MalformedImages {
    /// The JPEG with its SOF frame header changed to claim `width × height`.
    public static func jpeg(claimingWidth width: Int, height: Int, from jpeg: Data) -> Data {
        var bytes = [UInt8](jpeg)
        var offset = 2
        while offset + 9 < bytes.count {
            let marker = bytes[offset + 1]
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            if (0xC0...0xC2).contains(marker) {
                bytes[offset + 5] = UInt8(height >> 8); bytes[offset + 6] = UInt8(height & 0xFF)
                bytes[offset + 7] = UInt8(width >> 8); bytes[offset + 8] = UInt8(width & 0xFF)
                break
            }
            offset += 2 + length
        }
        return Data(bytes)
    }

    /// The PNG with its IHDR changed to claim `width × height` (CRC recomputed, so libpng believes it).
    public static func png(claimingWidth width: Int, height: Int, from png: Data) -> Data {
        var bytes = [UInt8](png)
        for (index, shift) in [24, 16, 8, 0].enumerated() {
            bytes[16 + index] = UInt8((width >> shift) & 0xFF)
            bytes[20 + index] = UInt8((height >> shift) & 0xFF)
        }
        let crc = crc32(bytes[12..<29])
        for (index, shift) in [24, 16, 8, 0].enumerated() { bytes[29 + index] = UInt8((crc >> UInt32(shift)) & 0xFF) }
        return Data(bytes)
    }

    private static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
