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

    /// The backbone's convolutions (stem through the 1280-channel head) in graph order, plus the ImageNet
    /// classifier when the graph has one right after pooling. Anything after the head that is not an
    /// ImageNet classifier (a retrained task head, say) is not part of the embedding and is left out.
    static func canonicalTensors(_ model: TFLiteModel) throws -> [(name: String, tensor: Tensor)] {
        let convolutions = model.operators.filter { $0.convolution != nil }
        let specs = NetworkArchitecture.mobileNetV2.convolutions
        guard convolutions.count >= specs.count else {
            throw ModelError(.invalidCheckpoint, "found \(convolutions.count) convolutions; MobileNetV2 1.0/224 has \(specs.count)")
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        for (spec, op) in zip(specs, convolutions) {
            try check(op, matches: spec, in: model)
            tensors.append(("\(spec.name).weight", try oihw(model.constant(op.inputs[1]), depthwise: spec.kind == .depthwise)))
            tensors.append(("\(spec.name).bias", try model.constant(op.inputs[2])))
        }
        if let classifier = try imageNetClassifier(model, after: convolutions[specs.count - 1]) {
            tensors += classifier
        }
        return tensors
    }

    /// `classifier.weight`/`.bias` from a fully connected layer or 1×1 convolution with 1000 or 1001
    /// outputs that reads the pooled head (through at most a pooling and a reshape).
    private static func imageNetClassifier(_ model: TFLiteModel, after head: TFLiteModel.Operator) throws -> [(name: String, tensor: Tensor)]? {
        var current = head.outputs[0]
        for _ in 0..<3 {
            guard let next = model.operators.first(where: { $0.inputs.first == current }) else { return nil }
            if next.code == TFLiteModel.fullyConnected || next.code == TFLiteModel.conv2D {
                let weight = try model.constant(next.inputs[1])
                let classes = weight.shape[0]
                guard [1000, 1001].contains(classes), weight.count == classes * 1280 else { return nil }
                return [
                    ("classifier.weight", Tensor(shape: [classes, 1280], values: weight.values)),
                    ("classifier.bias", try model.constant(next.inputs[2])),
                ]
            }
            current = next.outputs[0]
        }
        return nil
    }

    private static func check(_ op: TFLiteModel.Operator, matches spec: ConvolutionSpec, in model: TFLiteModel) throws {
        let options = op.convolution!
        let weight = model.tensors[op.inputs[1]]
        let expectedCode = spec.kind == .depthwise ? TFLiteModel.depthwiseConv2D : TFLiteModel.conv2D
        let expectedShape = spec.kind == .depthwise
            ? [1, spec.kernelSize, spec.kernelSize, spec.outputChannels]
            : [spec.outputChannels, spec.kernelSize, spec.kernelSize, spec.inputChannels]
        let expectedActivation = spec.hasActivation ? 3 : 0
        guard op.code == expectedCode, weight.shape == expectedShape, op.inputs.count >= 3,
              options.strideH == spec.stride, options.strideW == spec.stride, options.activation == expectedActivation
        else {
            throw ModelError(.invalidCheckpoint, "layer \(spec.name) ('\(weight.name)') has shape \(weight.shape), stride \(options.strideH), activation \(options.activation); expected \(expectedShape), stride \(spec.stride), activation \(expectedActivation)")
        }
        guard try hasSamePadding(op, spec: spec, in: model) else {
            throw ModelError(.invalidCheckpoint, "layer \(spec.name) ('\(weight.name)') is not padded as TF \"SAME\"; this network needs it")
        }
    }

    /// TF "SAME" padding either as the convolution's own option or, as Keras exports strided layers, as
    /// an explicit PAD before a "VALID" convolution with the same amounts.
    private static func hasSamePadding(_ op: TFLiteModel.Operator, spec: ConvolutionSpec, in model: TFLiteModel) throws -> Bool {
        if op.convolution!.samePadding || spec.kernelSize == 1 { return true }
        guard let pad = model.operators.first(where: { $0.code == TFLiteModel.pad && $0.outputs.first == op.inputs[0] }),
              pad.inputs.count >= 2, model.tensors[pad.inputs[0]].shape.count == 4
        else { return false }
        let side = model.tensors[pad.inputs[0]].shape[1]
        let outputSide = (side + spec.stride - 1) / spec.stride
        let total = max((outputSide - 1) * spec.stride + spec.kernelSize - side, 0)
        let amounts = try model.constant(pad.inputs[1]).values.map(Int.init)
        return amounts == [0, 0, total / 2, total - total / 2, total / 2, total - total / 2, 0, 0]
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
