import Encoder
import Foundation
import ModelImport
import Testing
import TestSupport

/// The TFLite converter on the real quantized MobileNetV2 file.
@Suite struct TFLiteImportTests {
    @Test func convertsTheQuantizedMobileNetV2() throws {
        let output = try TestModels.temporaryDirectory("mnv2")
        let manifest = try MobileNetV2Import.convert(tflite: Fixtures.mobileNetV2TFLite.path, to: output, source: "test")
        #expect(manifest.architecture == "mobilenet-v2")
        #expect(manifest.embeddingDimension == 1280)
        // The file's own input quantization: uint8 with scale 1/255 and zero point 0.
        #expect(manifest.preprocessing.mean == 0)
        #expect(abs(manifest.preprocessing.scale - 1 / 255) < 1e-6)
        // Its 5-class retrained head is not an ImageNet classifier and is left out.
        #expect(manifest.classifier == nil)
        let package = try ModelPackage(directory: output)
        #expect(package.tensors.count == NetworkArchitecture.mobileNetV2.convolutions.count * 2)
        #expect(package.tensors["blocks.1.depthwise.weight"]?.shape == [96, 1, 3, 3])
        #expect(package.tensors["head.weight"]?.shape == [1280, 320, 1, 1])
    }

    /// Dequantization is w = scale[c] · (q − zero_point[c]) along the quantized dimension.
    @Test func dequantizesPerChannel() throws {
        let model = try TFLiteModel(bytes: [UInt8](Data(contentsOf: Fixtures.mobileNetV2TFLite)))
        let stem = try #require(model.operators.first { $0.code == TFLiteModel.conv2D })
        let info = model.tensors[stem.inputs[1]]
        #expect(info.scales.count == 32)
        let weight = try model.constant(stem.inputs[1])
        let perChannel = weight.count / 32
        for channel in [0, 7, 31] {
            let values = weight.values[channel * perChannel..<(channel + 1) * perChannel]
            let quantized = values.map { $0 / info.scales[channel] }
            #expect(quantized.allSatisfy { abs($0 - $0.rounded()) < 1e-3 && abs($0) <= 128 })
        }
    }

    @Test func truncatedFile() throws {
        let data = try Data(contentsOf: Fixtures.mobileNetV2TFLite)
        let path = try TestModels.temporaryDirectory("tflite").appendingPathComponent("cut.tflite")
        try data.prefix(data.count / 2).write(to: path)
        let error = #expect(throws: ModelError.self) {
            try MobileNetV2Import.convert(tflite: path.path, to: path.deletingLastPathComponent().appendingPathComponent("out"), source: "")
        }
        #expect(error?.code == .invalidCheckpoint)
        #expect(error?.message.contains(path.path) == true)
    }

    @Test func otherFilesAreRefused() throws {
        let path = try TestModels.temporaryDirectory("tflite").appendingPathComponent("model.tflite")
        try Data("definitely not a flatbuffer".utf8).write(to: path)
        let error = #expect(throws: ModelError.self) {
            try MobileNetV2Import.convert(tflite: path.path, to: path.deletingLastPathComponent().appendingPathComponent("out"), source: "")
        }
        #expect(error?.message.contains("TFL3") == true)
    }
}
