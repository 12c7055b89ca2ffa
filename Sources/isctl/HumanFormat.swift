import Foundation

/// Numbers as a person reads them on a terminal.
enum HumanFormat {
    /// `0:42`, `12:05`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, rest)
            : String(format: "%d:%02d", minutes, rest)
    }

    /// `512 B`, `3.4 KiB`, `120.5 MiB`, `2.0 GiB`.
    static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// `45s`, `3m 12s`, `2h 5m`, `4d 3h`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        switch total {
        case ..<60: return "\(total)s"
        case ..<3600: return "\(total / 60)m \(total % 60)s"
        case ..<86400: return "\(total / 3600)h \(total / 60 % 60)m"
        default: return "\(total / 86400)d \(total / 3600 % 24)h"
        }
    }
}
