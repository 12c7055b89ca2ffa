/// Why an image could not be turned into network input. `code` is stable (the service reports it as the
/// reason of a failed request); `message` says what was wrong with this particular input.
public struct ImagingError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No bytes at all.
        public static let empty = Code(rawValue: "empty_image")
        /// The bytes are not JPEG, PNG or WebP (recognised by content, not by file name).
        public static let unsupportedFormat = Code(rawValue: "unsupported_format")
        /// The data claims a supported format but cannot be decoded.
        public static let corrupt = Code(rawValue: "corrupt_image")
        /// The data ends before the image does.
        public static let truncated = Code(rawValue: "truncated_image")
        /// More pixels than the configured limit; refused before any pixel memory is allocated.
        public static let tooLarge = Code(rawValue: "image_too_large")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
