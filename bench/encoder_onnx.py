"""Builds an ONNX EfficientNet-Lite0 from imagesearchd's converted model package.

Reads the package's `weights.safetensors` with numpy alone (8-byte little-endian header length, JSON
header, raw float32 data), folds every BatchNorm into its convolution, writes TensorFlow "SAME"
padding as explicit (possibly asymmetric) Conv pads, ReLU6 as Clip(0, 6), and ends in
GlobalAveragePool + Flatten -> `features` (N, 1280) and the classifier -> `logits` (N, 1000).
Input `input` is NCHW float32 (N, 3, 224, 224), already normalised.

    python encoder_onnx.py MODEL_DIR OUTPUT.onnx
"""

import argparse
import json
import struct
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# (expansion, output channels, repeats, kernel, stride) of the seven MBConv stages.
STAGES = [(1, 16, 1, 3, 1), (6, 24, 2, 3, 2), (6, 40, 2, 5, 2), (6, 80, 3, 3, 2),
          (6, 112, 3, 5, 1), (6, 192, 4, 5, 2), (6, 320, 1, 3, 1)]
STEM_CHANNELS = 32
OPSET = 13


def read_safetensors(path):
    """Returns {name: float32 array} from a safetensors file."""
    data = Path(path).read_bytes()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_length])
    body = data[8 + header_length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{name}: expected F32, found {entry['dtype']}")
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(entry["shape"])
    return tensors


def fold_batch_norm(tensors, prefix, epsilon):
    """The weight and bias of conv `prefix` with its BatchNorm `prefix.bn` folded in (computed in float64)."""
    weight = tensors[f"{prefix}.weight"].astype(np.float64)
    gamma, beta, mean, variance = (tensors[f"{prefix}.bn.{field}"].astype(np.float64)
                                   for field in ("weight", "bias", "running_mean", "running_var"))
    scale = gamma / np.sqrt(variance + epsilon)
    return (weight * scale[:, None, None, None]).astype(np.float32), (beta - mean * scale).astype(np.float32)


def same_pads(size, kernel, stride):
    """ONNX pads [top, left, bottom, right] reproducing TF "SAME" on a square input; the extra pixel goes last."""
    output = -(-size // stride)
    total = max((output - 1) * stride + kernel - size, 0)
    begin = total // 2
    return [begin, begin, total - begin, total - begin], output


class GraphBuilder:
    """Accumulates nodes and initializers while following the spatial size of the activations."""

    def __init__(self, tensors, epsilon, size):
        self.tensors = tensors
        self.epsilon = epsilon
        self.size = size
        self.nodes = []
        self.initializers = [numpy_helper.from_array(np.array(0, np.float32), "relu6_min"),
                             numpy_helper.from_array(np.array(6, np.float32), "relu6_max")]

    def conv(self, source, prefix, stride=1, depthwise=False, relu6=True):
        """Conv (BN folded) of `source` with the weights `prefix`; returns the output name."""
        weight, bias = fold_batch_norm(self.tensors, prefix, self.epsilon)
        kernel = weight.shape[2]
        pads, self.size = same_pads(self.size, kernel, stride)
        self.initializers += [numpy_helper.from_array(weight, f"{prefix}.weight"),
                              numpy_helper.from_array(bias, f"{prefix}.bias")]
        output = f"{prefix}.conv"
        self.nodes.append(helper.make_node(
            "Conv", [source, f"{prefix}.weight", f"{prefix}.bias"], [output], name=prefix,
            kernel_shape=[kernel, kernel], strides=[stride, stride], pads=pads,
            group=weight.shape[0] if depthwise else 1))
        if not relu6:
            return output
        self.nodes.append(helper.make_node("Clip", [output, "relu6_min", "relu6_max"], [f"{prefix}.relu6"]))
        return f"{prefix}.relu6"

    def block(self, source, index, expansion, kernel, stride, residual):
        """One MBConv block (no squeeze-excitation); returns the output name."""
        prefix = f"blocks.{index}"
        found = self.tensors[f"{prefix}.depthwise.weight"].shape[2]
        if found != kernel:
            raise ValueError(f"{prefix}: depthwise kernel {found}, the architecture says {kernel}")
        hidden = self.conv(source, f"{prefix}.expand") if expansion != 1 else source
        hidden = self.conv(hidden, f"{prefix}.depthwise", stride=stride, depthwise=True)
        output = self.conv(hidden, f"{prefix}.project", relu6=False)
        if not residual:
            return output
        self.nodes.append(helper.make_node("Add", [output, source], [f"{prefix}.residual"]))
        return f"{prefix}.residual"

    def classifier(self, features):
        """Gemm of the features with the classifier weights into `logits`."""
        self.initializers += [numpy_helper.from_array(self.tensors["classifier.weight"], "classifier.weight"),
                              numpy_helper.from_array(self.tensors["classifier.bias"], "classifier.bias")]
        self.nodes.append(helper.make_node(
            "Gemm", [features, "classifier.weight", "classifier.bias"], ["logits"], transB=1))


def build_model(model_dir):
    """The ONNX ModelProto of the package in `model_dir`."""
    manifest = json.loads((model_dir / "model.json").read_text())
    if manifest["architecture"] != "efficientnet-lite0":
        raise ValueError(f"{model_dir}: architecture {manifest['architecture']} is not efficientnet-lite0")
    size = manifest["preprocessing"]["size"]
    tensors = read_safetensors(model_dir / manifest["weights"]["file"])
    graph = GraphBuilder(tensors, manifest["batchNormEpsilon"], size)

    current = graph.conv("input", "stem", stride=2)
    channels, index = STEM_CHANNELS, 0
    for expansion, out_channels, repeats, kernel, stage_stride in STAGES:
        for repeat in range(repeats):
            stride = stage_stride if repeat == 0 else 1
            residual = stride == 1 and channels == out_channels
            current = graph.block(current, index, expansion, kernel, stride, residual)
            channels, index = out_channels, index + 1
    current = graph.conv(current, "head")
    graph.nodes += [helper.make_node("GlobalAveragePool", [current], ["pooled"]),
                    helper.make_node("Flatten", ["pooled"], ["features"], axis=1)]
    graph.classifier("features")

    dimension = tensors["head.weight"].shape[0]
    classes = tensors["classifier.weight"].shape[0]
    onnx_graph = helper.make_graph(
        graph.nodes, manifest["name"],
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, size, size])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", dimension]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", classes])],
        graph.initializers)
    model = helper.make_model(onnx_graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="imagesearchd bench/encoder_onnx.py")
    onnx.checker.check_model(model)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path, help="model package directory (model.json, weights.safetensors)")
    parser.add_argument("output", type=Path, help="ONNX file to write")
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(build_model(args.model_dir), args.output)


if __name__ == "__main__":
    main()
