import Encoder
import Foundation
import Imaging

/// Converts a MobileNetV2 1.0/224 TensorFlow Lite file (TF-slim graph, float or quantized) into a model
/// package. Batch norm is already folded into the TFLite convolutions, so each layer carries a bias.
///
/// Convolutions are matched to the architecture in graph order and every shape, stride, padding and
/// activation is checked, so a file of another network is refused rather than mis-loaded.
public enum MobileNetV2Import {
    @discardableResult
    public static func convert(tflite path: String, to directory: URL, source: String) throws -> ModelManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError(.invalidCheckpoint, "\(path): cannot read the file")
        }
        do {
            let model = try TFLiteModel(bytes: [UInt8](data))
            let tensors = try canonicalTensors(model)
            let manifest = ModelManifest(
                name: "mobilenet-v2", architecture: NetworkArchitecture.mobileNetV2.name,
                embeddingDimension: NetworkArchitecture.mobileNetV2.headChannels,
                preprocessing: try preprocessing(model), batchNormEpsilon: 0,
                classifier: classifier(tensors), weights: .init(file: "", sha256: "", byteCount: 0), source: source)
            return try ModelPackage.write(manifest: manifest, tensors: tensors, to: directory)
        } catch let error as ModelError {
            throw ModelError(error.code, "\(path): \(error.message)")
        }
    }

    /// Centre crop and bilinear resize as the TF-slim evaluation; input scaling from the file's own input
    /// quantization when it has one, else the float model's (x − 127.5) / 127.5.
    static func preprocessing(_ model: TFLiteModel) throws -> Preprocessing {
        guard let input = model.inputs.first.map({ model.tensors[$0] }) else {
            throw ModelError(.invalidCheckpoint, "the model has no input tensor")
        }
        let scale = input.scales.first ?? 1 / 127.5
        let mean = input.zeroPoints.first.map(Float.init) ?? 127.5
        return Preprocessing(mode: .centerCrop, cropFraction: 0.875, filter: .bilinear, size: 224, mean: mean, scale: scale)
    }

    private static func classifier(_ tensors: [(name: String, tensor: Tensor)]) -> ModelManifest.Classifier? {
        guard let weight = tensors.first(where: { $0.name == "classifier.weight" })?.tensor else { return nil }
        let classes = weight.shape[0]
        return .init(classes: classes, firstImageNetClass: classes == 1001 ? 1 : 0)
    }

    static func canonicalTensors(_ model: TFLiteModel) throws -> [(name: String, tensor: Tensor)] {
        let convolutions = model.operators.filter { $0.convolution != nil }
        let specs = NetworkArchitecture.mobileNetV2.convolutions
        guard convolutions.count == specs.count || convolutions.count == specs.count + 1 else {
            throw ModelError(.invalidCheckpoint, "found \(convolutions.count) convolutions; MobileNetV2 1.0/224 has \(specs.count) (+1 for the classifier)")
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        for (spec, op) in zip(specs, convolutions) {
            try check(op, matches: spec, in: model)
            tensors.append(("\(spec.name).weight", try oihw(model.constant(op.inputs[1]), depthwise: spec.kind == .depthwise)))
            tensors.append(("\(spec.name).bias", try model.constant(op.inputs[2])))
        }
        if convolutions.count > specs.count, let logits = convolutions.last {
            let weight = try model.constant(logits.inputs[1])
            tensors.append(("classifier.weight", Tensor(shape: [weight.shape[0], weight.count / weight.shape[0]], values: weight.values)))
            tensors.append(("classifier.bias", try model.constant(logits.inputs[2])))
        }
        return tensors
    }

    private static func check(_ op: TFLiteModel.Operator, matches spec: ConvolutionSpec, in model: TFLiteModel) throws {
        let options = op.convolution!
        let weight = model.tensors[op.inputs[1]]
        let expectedCode = spec.kind == .depthwise ? TFLiteModel.depthwiseConv2D : TFLiteModel.conv2D
        let expectedShape = spec.kind == .depthwise
            ? [1, spec.kernelSize, spec.kernelSize, spec.outputChannels]
            : [spec.outputChannels, spec.kernelSize, spec.kernelSize, spec.inputChannels]
        let expectedActivation = spec.hasActivation ? 3 : 0
        guard op.code == expectedCode, weight.shape == expectedShape, options.samePadding || spec.kernelSize == 1,
              options.strideH == spec.stride, options.strideW == spec.stride, options.activation == expectedActivation,
              op.inputs.count >= 3
        else {
            throw ModelError(.invalidCheckpoint, "layer \(spec.name) ('\(weight.name)') has shape \(weight.shape), stride \(options.strideH), activation \(options.activation); expected \(expectedShape), stride \(spec.stride), activation \(expectedActivation)")
        }
    }

    /// TFLite stores conv weights OHWI and depthwise weights 1HWC; the package uses OIHW (C1HW).
    private static func oihw(_ tensor: Tensor, depthwise: Bool) -> Tensor {
        let s = tensor.shape
        let (outputs, height, width, inputs) = depthwise ? (s[3], s[1], s[2], 1) : (s[0], s[1], s[2], s[3])
        var values = [Float](repeating: 0, count: tensor.count)
        for o in 0..<outputs {
            for y in 0..<height {
                for x in 0..<width {
                    for i in 0..<inputs {
                        let source = depthwise ? (y * width + x) * outputs + o : ((o * height + y) * width + x) * inputs + i
                        values[((o * inputs + i) * height + y) * width + x] = tensor.values[source]
                    }
                }
            }
        }
        return Tensor(shape: [outputs, inputs, height, width], values: values)
    }
}
