#!/usr/bin/env python3
"""Independent float reference for the MobileNetV2 test model (a development tool, not run by CI).

The golden features in ../shared/golden/mobilenet-v2 do not come from the .tflite file shared with them
(that file is a Keras export with a retrained 5-class head and input quantization 1/255; the goldens'
input recipe, (p - 128)/128, is a TF-slim file's). This script re-executes the shared file in float with
numpy, straight from the flatbuffer: every constant dequantized (scale * (q - zero_point), per channel),
float activations, PAD/SAME padding as the graph says, and writes the 1280-d pooled head output for
each golden input as Tests/TestSupport/Fixtures/reference/mobilenet-v2/<stem>.feat.f32.

Usage: python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy tflite
       /tmp/venv/bin/python scripts/reference/mobilenet_v2_float.py MODEL.tflite GOLDEN_DIR OUT_DIR
"""
import math
import sys

import numpy as np
import tflite

TYPES = {0: np.float32, 2: np.int32, 3: np.uint8, 9: np.int8}


def constants(model, graph):
    values = {}
    for index in range(graph.TensorsLength()):
        tensor = graph.Tensors(index)
        buffer = model.Buffers(tensor.Buffer())
        if buffer.DataLength() == 0:
            continue
        raw = np.frombuffer(buffer.DataAsNumpy().tobytes(), dtype=TYPES[tensor.Type()]).reshape(tensor.ShapeAsNumpy())
        quantization = tensor.Quantization()
        if tensor.Type() != 0 and quantization and quantization.ScaleLength():
            shape = [1] * raw.ndim
            if quantization.ScaleLength() > 1:
                shape[quantization.QuantizedDimension()] = -1
            scale = quantization.ScaleAsNumpy().reshape(shape)
            zero = quantization.ZeroPointAsNumpy().reshape(shape)
            raw = ((raw.astype(np.float64) - zero) * scale).astype(np.float32)
        values[index] = raw
    return values


def convolve(x, weight, bias, stride, depthwise):
    height, width, _ = x.shape
    k = weight.shape[1]
    out_h, out_w = (height - k) // stride + 1, (width - k) // stride + 1
    out = np.zeros((out_h, out_w, weight.shape[3] if depthwise else weight.shape[0]), np.float64)
    for ky in range(k):
        for kx in range(k):
            patch = x[ky:ky + stride * (out_h - 1) + 1:stride, kx:kx + stride * (out_w - 1) + 1:stride, :]
            out += patch * weight[0, ky, kx, :] if depthwise else patch @ weight[:, ky, kx, :].T
    return out + bias


def same_padding(x, k, stride):
    height, width, _ = x.shape
    pad_h = max((math.ceil(height / stride) - 1) * stride + k - height, 0)
    pad_w = max((math.ceil(width / stride) - 1) * stride + k - width, 0)
    return np.pad(x, ((pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0)))


def features(model, graph, values, image):
    names = {v: k for k, v in tflite.BuiltinOperator.__dict__.items() if not k.startswith('_')}
    live = {graph.Inputs(0): image}
    get = lambda i: live[i] if i in live else values[i]
    for index in range(graph.OperatorsLength()):
        op = graph.Operators(index)
        code = model.OperatorCodes(op.OpcodeIndex())
        name = names[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
        inputs = [op.Inputs(j) for j in range(op.InputsLength())]
        if name in ('CONV_2D', 'DEPTHWISE_CONV_2D'):
            table = op.BuiltinOptions()
            options = (tflite.Conv2DOptions if name == 'CONV_2D' else tflite.DepthwiseConv2DOptions)()
            options.Init(table.Bytes, table.Pos)
            weight = values[inputs[1]]
            x = get(inputs[0])
            if options.Padding() == 0:
                x = same_padding(x, weight.shape[1], options.StrideH())
            y = convolve(x, weight, values[inputs[2]], options.StrideH(), name == 'DEPTHWISE_CONV_2D')
            y = np.clip(y, 0, 6) if options.FusedActivationFunction() == 3 else y
            if y.shape[-1] == 1280:
                return y.mean(axis=(0, 1)).astype(np.float32)
            live[op.Outputs(0)] = y
        elif name == 'ADD':
            live[op.Outputs(0)] = get(inputs[0]) + get(inputs[1])
        elif name == 'PAD':
            pads = values[inputs[1]]
            live[op.Outputs(0)] = np.pad(get(inputs[0]), ((pads[1][0], pads[1][1]), (pads[2][0], pads[2][1]), (0, 0)))
        elif name == 'QUANTIZE':
            live[op.Outputs(0)] = get(inputs[0])
        else:
            raise SystemExit(f'unexpected operator {name} before the 1280-channel head')


def main():
    model_path, golden_dir, out_dir = sys.argv[1:4]
    model = tflite.Model.GetRootAsModel(open(model_path, 'rb').read(), 0)
    graph = model.Subgraphs(0)
    values = constants(model, graph)
    quantization = graph.Tensors(graph.Inputs(0)).Quantization()
    scale, zero = float(quantization.ScaleAsNumpy()[0]), float(quantization.ZeroPointAsNumpy()[0])
    for stem in ['astronaut', 'chelsea', 'coffee', 'motorcycle_left', 'rocket']:
        pixels = np.fromfile(f'{golden_dir}/{stem}.input_u8_nhwc.bin', np.uint8).reshape(224, 224, 3)
        feature = features(model, graph, values, (pixels.astype(np.float64) - zero) * scale)
        feature.astype('<f4').tofile(f'{out_dir}/{stem}.feat.f32')
        print(stem, 'norm %.4f' % np.linalg.norm(feature))


if __name__ == '__main__':
    main()
