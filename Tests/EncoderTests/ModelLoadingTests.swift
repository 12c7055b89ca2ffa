import Encoder
import Foundation
import Testing
import TestSupport

/// A damaged or mismatched model is a clear error naming the file, never a crash or silent garbage.
@Suite struct ModelLoadingTests {
    private func copyOfDefaultModel() throws -> URL {
        let copy = try TestModels.temporaryDirectory("model")
        let source = try TestModels.efficientNetLite0()
        for file in [ModelManifest.fileName, ModelPackage.weightsFileName] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: copy.appendingPathComponent(file))
        }
        return copy
    }

    private func loadingError(_ directory: URL) -> ModelError? {
        do {
            _ = try ImageEncoder(modelDirectory: directory)
            return nil
        } catch let error as ModelError {
            return error
        } catch {
            return nil
        }
    }

    @Test func missingDirectory() throws {
        let error = loadingError(URL(fileURLWithPath: "/nonexistent/model"))
        #expect(error?.code == .modelNotFound)
        #expect(error?.message.contains("/nonexistent/model") == true)
    }

    @Test func unknownModelNameListsWhereItLooked() {
        #expect(throws: ModelError.self) { try ModelLocator.locate("no-such-model", environment: ["HOME": "/nonexistent"]) }
        do {
            _ = try ModelLocator.locate("no-such-model", environment: ["HOME": "/nonexistent"])
        } catch let error as ModelError {
            #expect(error.message.contains("/nonexistent/.local/share/imagesearchd/models/no-such-model"))
        } catch {}
    }

    @Test func missingWeights() throws {
        let model = try copyOfDefaultModel()
        try FileManager.default.removeItem(at: model.appendingPathComponent(ModelPackage.weightsFileName))
        let error = loadingError(model)
        #expect(error?.code == .weightsMissing)
        #expect(error?.message.contains(ModelPackage.weightsFileName) == true)
    }

    @Test func truncatedWeights() throws {
        let model = try copyOfDefaultModel()
        let weights = model.appendingPathComponent(ModelPackage.weightsFileName)
        try Data(try Data(contentsOf: weights).prefix(1_000_000)).write(to: weights)
        #expect(loadingError(model)?.code == .weightsCorrupt)
    }

    @Test func alteredWeights() throws {
        let model = try copyOfDefaultModel()
        let weights = model.appendingPathComponent(ModelPackage.weightsFileName)
        var data = try Data(contentsOf: weights)
        data[data.count / 2] ^= 0x40
        try data.write(to: weights)
        #expect(loadingError(model)?.code == .weightsChecksumMismatch)
    }

    @Test func damagedManifest() throws {
        let model = try copyOfDefaultModel()
        try Data("{\"name\": 3".utf8).write(to: model.appendingPathComponent(ModelManifest.fileName))
        #expect(loadingError(model)?.code == .invalidManifest)
    }

    @Test func unknownArchitecture() throws {
        let model = try copyOfDefaultModel()
        let url = model.appendingPathComponent(ModelManifest.fileName)
        var manifest = try JSONDecoder().decode(ModelManifest.self, from: Data(contentsOf: url))
        manifest.architecture = "resnet-50"
        try JSONEncoder().encode(manifest).write(to: url)
        #expect(loadingError(model)?.code == .unsupportedArchitecture)
    }

    /// A manifest whose embedding length is not what its architecture computes would make every
    /// collection's dimension wrong; it is refused with both numbers.
    @Test func embeddingDimensionOtherThanTheNetworks() throws {
        let model = try copyOfDefaultModel()
        let url = model.appendingPathComponent(ModelManifest.fileName)
        var manifest = try JSONDecoder().decode(ModelManifest.self, from: Data(contentsOf: url))
        manifest.embeddingDimension = 1024
        try JSONEncoder().encode(manifest).write(to: url)
        let error = loadingError(model)
        #expect(error?.code == .invalidManifest)
        #expect(error?.message.contains("1024") == true && error?.message.contains("1280") == true)
    }

    /// Weights that are intact but lack a layer (another model's, say) fail on the missing tensor.
    @Test func missingTensor() throws {
        let source = try ModelPackage(directory: try TestModels.efficientNetLite0())
        let tensors = source.tensors.filter { $0.key != "blocks.3.depthwise.weight" }.map { (name: $0.key, tensor: $0.value) }
        let model = try TestModels.temporaryDirectory("model")
        try ModelPackage.write(manifest: source.manifest, tensors: tensors, to: model)
        let error = loadingError(model)
        #expect(error?.code == .tensorMismatch)
        #expect(error?.message.contains("blocks.3.depthwise.weight") == true)
    }
}
