import Encoder
import Foundation
import ModelImport

/// Model packages for tests: the default model installed by the set-up, and MobileNetV2 converted from
/// the quantized TFLite fixture once per test process.
public enum TestModels {
    /// The installed EfficientNet-Lite0 package (scripts/setup puts it where `ModelLocator` looks).
    public static func efficientNetLite0() throws -> URL {
        try ModelLocator.locate("efficientnet-lite0")
    }

    /// The EfficientNet-Lite0 PyTorch checkpoint the set-up downloaded (`$IMAGESEARCH_CACHE`, default
    /// `~/.cache/imagesearchd`), for converter tests.
    public static func efficientNetLite0Checkpoint() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["IMAGESEARCH_CACHE"] ?? (environment["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache") + "/imagesearchd"
        let path = cache + "/efficientnet-lite0/efficientnet-lite0-57934424.pth"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelError(.modelNotFound, "\(path) is missing; run scripts/fetch-models first")
        }
        return path
    }

    public static func mobileNetV2() throws -> URL {
        try convertedMobileNetV2.get()
    }

    private static let convertedMobileNetV2 = Result<URL, any Error> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imagesearch-tests-mnv2-\(getpid())")
        try MobileNetV2Import.convert(tflite: Fixtures.mobileNetV2TFLite.path, to: directory, source: "test fixture")
        return directory
    }

    /// Loads the encoder for one of the two models by name, with the reference recipe unless told.
    public static func encoder(_ name: String, threads: Int = 1, recipe: EmbeddingRecipe = .reference) throws -> ImageEncoder {
        try ImageEncoder(modelDirectory: name == "mobilenet-v2" ? try mobileNetV2() : try efficientNetLite0(), threads: threads, recipe: recipe)
    }

    /// A fresh, uniquely named scratch directory.
    public static func temporaryDirectory(_ label: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imagesearch-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
