import Crypto
import Foundation

/// The identity of an image's content: SHA-256 of its encoded bytes, lowercase hex.
enum ContentHash {
    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
