#!/usr/bin/env python3
"""Independent reference for the retrieval recipe (a development tool, not run by CI).

For each photo: decoded (a JPEG at the smallest DCT scale keeping both sides at least 224, as the daemon
decodes), the whole frame resized to 224x224 by Pillow (bicubic, antialiased), blurred by a Gaussian of
sigma = 1% of the side (2.24 px: the sampled kernel out to ceil(3 sigma), rows then columns, edges
extended, rounded to whole grey levels, as Sources/Imaging/GaussianBlur.swift), input (x - 127) / 128,
EfficientNet-Lite0 run by ONNX Runtime up to the head's ReLU6 (1280 x 7 x 7), GeM with p = 3 over the 49
cells, divided by its length. Writes OUT_DIR/<stem>.descriptor.f32 (1280 little-endian float32), the files
in Tests/TestSupport/Fixtures/reference/efficientnet-lite0-retrieval that EmbeddingRecipeTests compares the
Swift encoder with.

Usage: bench/encoder (once, it builds bench/out/efficientnet-lite0.onnx and the venv), then
       bench/.venv/bin/python scripts/reference/lite0_retrieval_descriptors.py \
           bench/out/efficientnet-lite0.onnx Tests/TestSupport/Fixtures/photos OUT_DIR
"""
import math
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper
from PIL import Image

HEAD = "head.relu6"
LOW_PASS = 0.01  # the Gaussian's sigma as a fraction of the network input's side


def feature_map_session(onnx_path):
    """The model with the head's activation (before pooling) as an extra output."""
    model = onnx.load(onnx_path)
    model.graph.output.append(helper.make_tensor_value_info(HEAD, TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def gaussian_kernel(sigma):
    radius = math.ceil(3 * sigma)
    raw = np.exp(-np.arange(-radius, radius + 1, dtype=np.float64) ** 2 / (2 * sigma * sigma))
    return (raw / raw.sum()).astype(np.float32)


def blurred(pixels, sigma):
    """HxWx3 float32 grey levels blurred along rows (axis 1), then columns (axis 0)."""
    kernel = gaussian_kernel(sigma)
    radius = len(kernel) // 2
    for axis in (1, 0):
        padded = np.pad(pixels, [(radius, radius) if dim == axis else (0, 0) for dim in range(3)], mode="edge")
        out = np.zeros_like(pixels)
        for tap, weight in enumerate(kernel):
            out += weight * np.take(padded, range(tap, tap + pixels.shape[axis]), axis=axis)
        pixels = out
    return np.clip(np.floor(pixels + 0.5), 0, 255)


def network_input(path):
    with Image.open(path) as image:
        image.draft("RGB", (224, 224))
        pixels = np.asarray(image.convert("RGB").resize((224, 224), Image.Resampling.BICUBIC), dtype=np.float32)
    pixels = blurred(pixels, LOW_PASS * 224)
    return ((pixels - 127.0) / 128.0).transpose(2, 0, 1)[None]


def descriptor(feature_map, power=3.0):
    pooled = np.power(np.power(feature_map.astype(np.float64), power).mean(axis=(1, 2)), 1.0 / power)
    return (pooled / np.linalg.norm(pooled)).astype("<f4")


def main(onnx_path, photos, out_dir):
    session = feature_map_session(onnx_path)
    input_name = session.get_inputs()[0].name
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for photo in sorted(Path(photos).glob("*.[jp][pn]g")):
        feature_map = session.run([HEAD], {input_name: network_input(photo)})[0][0]
        descriptor(feature_map).tofile(Path(out_dir) / f"{photo.stem}.descriptor.f32")
        print(photo.stem)


if __name__ == "__main__":
    main(*sys.argv[1:])
