"""Races imagesearchd's Swift encoder against ONNX Runtime on the same EfficientNet-Lite0 weights.

Called by `bench/encoder` once the ONNX model is built. Prints the cross-checks and the timings of
each repeat as readable lines, then one JSON object as the last line of standard output.

1. Cross-checks on the same random inputs: our ONNX against the shared peer ONNX (when present), and
   our ONNX in ONNX Runtime against the Swift encoder (`encoder-bench network --inputs/--features`);
   exits non-zero when they disagree.
2. Timing, interleaved in one run: for each (threads, batch) the Swift encoder and ONNX Runtime are
   measured REPEATS times, alternating which goes first; each repeat gives a median ms per image over
   its timed runs, and the median of those medians is reported.
3. Decoding: a 1920x1080 JPEG made from a repo photo, through `encoder-bench decode` and, for context,
   through Pillow doing the same work (DCT-scaled draft decode, centre crop, bicubic resize, normalise).
"""

import argparse
import io
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

# (threads, batch, timed runs per repeat): batch 1 calls are short, so they get more runs.
CONFIGURATIONS = [(1, 1, 100), (2, 16, 30)]
REPEATS = 3
WARM_UP_CALLS = 3  # as many as `encoder-bench network` makes before timing
CHECK_IMAGES = 4
PEER_MAX_ABS_DIFF = 1e-4
SWIFT_MIN_COSINE = 0.99999
JPEG_SIZE = (1920, 1080)
JPEG_QUALITY = 90
DECODE_RUNS = 100
DECODE_WARM_UP = 5  # as `encoder-bench decode`


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--swift", type=Path, required=True, help="the encoder-bench executable")
    parser.add_argument("--model-dir", type=Path, required=True, help="the model package directory")
    parser.add_argument("--onnx", type=Path, required=True, help="our ONNX, built by encoder_onnx.py")
    parser.add_argument("--peer-onnx", type=Path, required=True, help="the shared peer ONNX (may be absent)")
    parser.add_argument("--photo", type=Path, required=True, help="the photo the 1080p JPEG is made from")
    parser.add_argument("--out", type=Path, required=True, help="folder for inputs, features and the JPEG")
    return parser.parse_args()


def fail(message):
    print(f"FAILED: {message}", flush=True)
    sys.exit(1)


def write_random_inputs(path, count, size, seed):
    """Writes `count` NHWC images of uniform values in [-1, 1) as raw float32; returns them as NCHW."""
    images = np.random.default_rng(seed).uniform(-1, 1, (count, size, size, 3)).astype(np.float32)
    images.tofile(path)
    return np.ascontiguousarray(images.transpose(0, 3, 1, 2))


def ort_session(model_path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])


def ort_features(session, nchw):
    return session.run(["features"], {"input": nchw})[0]


def run_swift(swift, *arguments):
    """Runs encoder-bench (its errors go to our stderr) and returns the JSON object on its last output line."""
    completed = subprocess.run([str(swift), *map(str, arguments)], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def cosines(a, b):
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def cross_check(args, size):
    inputs_path, features_path = args.out / "check-inputs.f32", args.out / "check-swift-features.f32"
    nchw = write_random_inputs(inputs_path, CHECK_IMAGES, size, seed=1)
    ours = ort_features(ort_session(args.onnx, threads=1), nchw)

    if args.peer_onnx.is_file():
        peer = ort_features(ort_session(args.peer_onnx, threads=1), nchw)
        difference = float(np.abs(ours - peer).max())
        print(f"check: our ONNX vs shared ONNX ({CHECK_IMAGES} random inputs, ORT): "
              f"max |diff| of features {difference:.3g} (limit {PEER_MAX_ABS_DIFF:g})")
        if difference > PEER_MAX_ABS_DIFF:
            fail(f"our ONNX differs from {args.peer_onnx} by {difference:.3g}")
    else:
        print(f"check: our ONNX vs shared ONNX skipped: {args.peer_onnx} is absent on this machine")

    run_swift(args.swift, "network", "--model", args.model_dir, "--inputs", inputs_path,
              "--features", features_path, "--runs", 1)
    swift = np.fromfile(features_path, dtype=np.float32).reshape(ours.shape)
    difference = float(np.abs(ours - swift).max())
    cosine = float(cosines(ours, swift).min())
    print(f"check: our ONNX (ORT) vs Swift encoder ({CHECK_IMAGES} random inputs): "
          f"max |diff| of features {difference:.3g}, min cosine {cosine:.8f} (limit {SWIFT_MIN_COSINE})")
    if not cosine >= SWIFT_MIN_COSINE:
        fail(f"the Swift encoder's features have cosine {cosine:.8f} < {SWIFT_MIN_COSINE} to ONNX Runtime's")


def time_ort(session, nchw, runs):
    """Median milliseconds per image over `runs` calls after warm-up."""
    for _ in range(WARM_UP_CALLS):
        ort_features(session, nchw)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        ort_features(session, nchw)
        times.append((time.perf_counter() - start) * 1000 / len(nchw))
    return statistics.median(times)


def race(args, size, threads, batch, runs):
    """Median of the per-repeat medians of Swift and ORT, and the Swift RSS growth, for one configuration."""
    inputs_path = args.out / f"race-inputs-b{batch}.f32"
    nchw = write_random_inputs(inputs_path, batch, size, seed=2)
    session = ort_session(args.onnx, threads)

    def swift_repeat():
        result = run_swift(args.swift, "network", "--model", args.model_dir, "--threads", threads,
                           "--inputs", inputs_path, "--runs", runs)
        return result["ms_per_image"], result["rss_mb_steady"] - result["rss_mb_after_load"]

    swift_ms, ort_ms, rss_growth = [], [], []
    for repeat in range(REPEATS):
        # Alternating which runtime goes first keeps a drift in machine load from favouring one of them.
        if repeat % 2 == 0:
            swift_result, ort_result = swift_repeat(), time_ort(session, nchw, runs)
        else:
            ort_result = time_ort(session, nchw, runs)
            swift_result = swift_repeat()
        swift_ms.append(swift_result[0])
        rss_growth.append(swift_result[1])
        ort_ms.append(ort_result)
        print(f"time: {threads} thread(s), batch {batch}, repeat {repeat + 1}/{REPEATS}: "
              f"swift {swift_result[0]:.3f} ms/image, ort {ort_result:.3f} ms/image ({runs} runs each)")
    return statistics.median(swift_ms), statistics.median(ort_ms), statistics.median(rss_growth)


def make_1080p_jpeg(photo, path):
    """Resizes `photo` to cover 1920x1080, centre-crops it to exactly that and saves it as a JPEG."""
    width, height = JPEG_SIZE
    with Image.open(photo) as image:
        rgb = image.convert("RGB")
    scale = max(width / rgb.width, height / rgb.height)
    covering = rgb.resize((math.ceil(rgb.width * scale), math.ceil(rgb.height * scale)), Image.Resampling.BICUBIC)
    left, top = (covering.width - width) // 2, (covering.height - height) // 2
    covering.crop((left, top, left + width, top + height)).save(path, quality=JPEG_QUALITY)


def pillow_preprocess(data, preprocessing):
    """The normalised size x size x 3 tensor of JPEG bytes, the way the Swift preprocessor does it."""
    size, fraction = preprocessing["size"], preprocessing["cropFraction"]
    minimum_side = math.ceil(size / fraction)  # the short side that the crop still needs
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (minimum_side, minimum_side))  # libjpeg DCT scaling: 1920x1080 decodes at 1/4
        side = int(fraction * min(image.size))
        left, top = (image.width - side) // 2, (image.height - side) // 2
        resized = image.convert("RGB").resize((size, size), Image.Resampling.BICUBIC,
                                              box=(left, top, left + side, top + side))
    return (np.asarray(resized, dtype=np.float32) - preprocessing["mean"]) * preprocessing["scale"]


def time_pillow_decode(path, preprocessing):
    data = path.read_bytes()
    times = []
    for run in range(DECODE_WARM_UP + DECODE_RUNS):
        start = time.perf_counter()
        pillow_preprocess(data, preprocessing)
        if run >= DECODE_WARM_UP:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((args.model_dir / "model.json").read_text())
    preprocessing = manifest["preprocessing"]
    size = preprocessing["size"]

    cross_check(args, size)

    results = {}
    for threads, batch, runs in CONFIGURATIONS:
        results[(threads, batch)] = race(args, size, threads, batch, runs)
    swift_t1_b1, ort_t1_b1, _ = results[(1, 1)]
    swift_t2_b16, ort_t2_b16, rss_beyond_weights = results[(2, 16)]

    jpeg = args.out / "photo-1080p.jpg"
    make_1080p_jpeg(args.photo, jpeg)
    decoding = run_swift(args.swift, "decode", jpeg, "--model", args.model_dir, "--runs", DECODE_RUNS)
    decode_ms = decoding["decode_ms"]
    pillow_ms = time_pillow_decode(jpeg, preprocessing)
    print(f"time: decode {args.photo.name} as 1920x1080 JPEG: swift {decode_ms:.3f} ms, pillow {pillow_ms:.3f} ms, "
          f"libjpeg-turbo alone {decoding['turbojpeg_quarter_ms']:.3f} ms at 1/4 scale, {decoding['turbojpeg_eighth_ms']:.3f} ms at 1/8")

    report = {
        "model": manifest["name"],
        "swift_ms_t1_b1": swift_t1_b1,
        "ort_ms_t1_b1": ort_t1_b1,
        "swift_ms_t2_b16": swift_t2_b16,
        "ort_ms_t2_b16": ort_t2_b16,
        "decode_ms_1080p": decode_ms,
        "ratio_t1_b1": swift_t1_b1 / ort_t1_b1,
        "ratio_t2_b16": swift_t2_b16 / ort_t2_b16,
        "pillow_decode_ms_1080p": pillow_ms,
        "turbojpeg_ms_1080p_quarter": decoding["turbojpeg_quarter_ms"],
        "turbojpeg_ms_1080p_eighth": decoding["turbojpeg_eighth_ms"],
        "swift_rss_mb_beyond_weights": rss_beyond_weights,
        "ort_version": ort.__version__,
    }
    print(json.dumps({key: round(value, 3) if isinstance(value, float) else value
                      for key, value in report.items()}))


if __name__ == "__main__":
    main()
