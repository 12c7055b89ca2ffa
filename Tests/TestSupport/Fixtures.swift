import Foundation

/// Files the tests read: public-domain photos, golden encoder outputs, the quantized MobileNetV2 file.
/// They live in the repository, so a fresh clone tests without anything else on disk.
public enum Fixtures {
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Stems of the five golden photos (`photos/<stem>.png|jpg`, `golden/<model>/<stem>.*`).
    public static let goldenStems = ["astronaut", "chelsea", "coffee", "motorcycle_left", "rocket"]

    public static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    public static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    /// A raw little-endian float32 file.
    public static func floats(_ relativePath: String) throws -> [Float] {
        let bytes = try data(relativePath)
        return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    public static func photo(_ stem: String) throws -> Data {
        let name = FileManager.default.fileExists(atPath: url("photos/\(stem).png").path) ? "\(stem).png" : "\(stem).jpg"
        return try data("photos/\(name)")
    }

    public static let mobileNetV2TFLite = url("models/mobilenet_v2_1.0_224_quant.tflite")
}
