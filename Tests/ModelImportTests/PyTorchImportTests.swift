import Encoder
import Foundation
import ModelImport
import Testing
import TestSupport

/// The converter reads the real EfficientNet-Lite0 checkpoint (fetched by the set-up) without PyTorch.
@Suite struct PyTorchImportTests {
    @Test func convertsTheRealCheckpointDeterministically() throws {
        let checkpoint = try TestModels.efficientNetLite0Checkpoint()
        let output = try TestModels.temporaryDirectory("lite0")
        let manifest = try EfficientNetLite0Import.convert(checkpoint: checkpoint, to: output, source: "test")
        let installed = try ModelPackage(directory: try TestModels.efficientNetLite0())
        #expect(manifest.weights.sha256 == installed.manifest.weights.sha256)
        let package = try ModelPackage(directory: output)
        #expect(package.manifest.architecture == "efficientnet-lite0")
        #expect(package.manifest.embeddingDimension == 1280)
        #expect(package.manifest.classifier == .init(classes: 1000, firstImageNetClass: 0))
        #expect(package.tensors["stem.weight"]?.shape == [32, 3, 3, 3])
        #expect(package.tensors["blocks.15.project.bn.running_var"]?.values.allSatisfy { $0 > 0 } == true)
        #expect(package.tensors.count == NetworkArchitecture.efficientNetLite0.convolutions.count * 5 + 2)
    }

    /// The checkpoint stores the stem's weight as a strided (TF HWIO) view; the tensor must come out in
    /// PyTorch's logical OIHW order, as the golden tests prove end to end. Here: the raw reader agrees
    /// with itself on a transposition it has to undo.
    @Test func stridedTensorsAreMaterialisedInLogicalOrder() throws {
        let tensors = try PyTorchCheckpoint.read(contentsOf: try TestModels.efficientNetLite0Checkpoint())
        let stem = try #require(tensors["_conv_stem.weight"])
        #expect(stem.shape == [32, 3, 3, 3])
        let installed = try ModelPackage(directory: try TestModels.efficientNetLite0())
        #expect(installed.tensors["stem.weight"]?.values == stem.values)
    }

    @Test func truncatedCheckpoint() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: try TestModels.efficientNetLite0Checkpoint()))
        let error = #expect(throws: ModelError.self) { try PyTorchCheckpoint.read([UInt8](data.prefix(data.count - 1000))) }
        #expect(error?.code == .invalidCheckpoint)
        #expect(error?.message.contains("truncated") == true)
    }

    /// A pickle stream cut inside an opcode's argument is an error, not a crash.
    @Test func truncatedPickle() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: try TestModels.efficientNetLite0Checkpoint()))
        let error = #expect(throws: ModelError.self) { try PyTorchCheckpoint.read([UInt8](data.prefix(5000))) }
        #expect(error?.message.contains("pickle") == true)
    }

    @Test func zipCheckpointsAndOtherFilesAreRefused() {
        let zip = Data([0x50, 0x4B, 0x03, 0x04]) + Data(count: 100)
        let error = #expect(throws: ModelError.self) { try PyTorchCheckpoint.read([UInt8](zip)) }
        #expect(error?.code == .invalidCheckpoint)
    }

    @Test func missingFileNamesThePath() {
        let error = #expect(throws: ModelError.self) {
            try EfficientNetLite0Import.convert(checkpoint: "/nonexistent/x.pth", to: URL(fileURLWithPath: "/tmp/unused"), source: "")
        }
        #expect(error?.message.contains("/nonexistent/x.pth") == true)
    }
}
