"""Times `isctl add DIR --json` into an empty daemon and compares it with the encoder benchmark.

Called by `bench/service` with a daemon serving an empty collection. isctl prints one JSON line per
file as the daemon acknowledges it, a message (`--batch` images) at a time; the rate is the images
acknowledged after the first message over the time from the first acknowledgement to the last, so
that neither isctl's start nor the first message's round trip counts. Compared with the encoder
benchmark's best images/second (batch 16, 2 threads: 1000 / `swift_ms_t2_b16`).

The daemon handles the messages of one stream one after the other (hash, look up, decode and encode,
store, reply), so the time per image is close to the sum of its parts; it estimates them apart:
the network from the encoder benchmark, decoding and finding local features (the daemon verifies by
default, so adds store them) with `encoder-bench decode` on some of the same JPEGs (halved: two
threads decode at once), storage with `service-bench store` (the same lookups and
durable inserts, no encoder), SHA-256 with hashlib; the rest is transport, isctl and protobuf.
Prints readable lines and writes the JSON fragment for the report to --result.
"""

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

DECODE_SAMPLES = 3  # JPEGs timed with encoder-bench decode, one per source photo
DECODE_RUNS = 30
ENCODER_THREADS = 2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--isctl", type=Path, required=True, help="the isctl executable")
    parser.add_argument("--socket", required=True, help="the daemon's Unix socket")
    parser.add_argument("--images", type=Path, required=True, help="folder of the JPEGs to add")
    parser.add_argument("--batch", type=int, default=16, help="isctl add --batch")
    parser.add_argument("--encoder-json", type=Path, required=True, help="the last line of bench/encoder")
    parser.add_argument("--encoder-bench", type=Path, required=True, help="the encoder-bench executable")
    parser.add_argument("--service-bench", type=Path, required=True, help="the service-bench executable")
    parser.add_argument("--model-dir", type=Path, required=True, help="the model package directory")
    parser.add_argument("--store-data-dir", type=Path, required=True, help="a new data directory for service-bench store")
    parser.add_argument("--result", type=Path, required=True, help="where to write the JSON fragment")
    return parser.parse_args()


def run_json(*command):
    """Runs a benchmark tool (its errors go to our stderr) and returns the JSON object on its last output line."""
    completed = subprocess.run([str(part) for part in command], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def add_all(args):
    """Runs isctl add; returns the arrival time of each acknowledgement and the wall time of the process."""
    command = [str(args.isctl), "add", str(args.images), "--json", "--batch", str(args.batch), "--socket", args.socket]
    start = time.perf_counter()
    arrivals = []
    with subprocess.Popen(command, stdout=subprocess.PIPE) as process:
        for line in process.stdout:
            arrivals.append(time.perf_counter())
            outcome = json.loads(line)
            if outcome["status"] != "added":
                sys.exit(f"FAILED: isctl add: {outcome['path']} was {outcome['status']}: {outcome.get('error')}")
    if process.returncode != 0:
        sys.exit(f"FAILED: isctl add exited with {process.returncode}")
    return arrivals, time.perf_counter() - start


def decode_and_features_ms(args, images):
    """encoder-bench decode's median ms of decoding (whole-image, the framing of the daemon's default
    retrieval embedding) and of finding local features, for a few of the JPEGs (one per source photo),
    averaged."""
    by_photo = {}
    for image in images:
        by_photo.setdefault(image.stem.rsplit("-", 1)[0], image)
    samples = list(by_photo.values())[:DECODE_SAMPLES]
    timings = [run_json(args.encoder_bench, "decode", image, "--model", args.model_dir, "--mode", "whole-image",
                        "--runs", DECODE_RUNS)
               for image in samples]
    return (statistics.mean(timing["decode_ms"] for timing in timings),
            statistics.mean(timing["local_features_ms"] for timing in timings))


def sha256_ms(images):
    start = time.perf_counter()
    for image in images:
        hashlib.sha256(image.read_bytes()).hexdigest()
    return (time.perf_counter() - start) * 1000 / len(images)


def main():
    args = parse_args()
    images = sorted(args.images.glob("*.jpg"))
    arrivals, wall_s = add_all(args)
    if len(arrivals) != len(images) or len(images) <= args.batch:
        sys.exit(f"FAILED: {len(arrivals)} acknowledgements for {len(images)} images (need more than --batch {args.batch})")
    bulk_per_s = (len(images) - args.batch) / (arrivals[-1] - arrivals[0])
    network_ms = json.loads(args.encoder_json.read_text())["swift_ms_t2_b16"]
    encoder_per_s = 1000 / network_ms
    print(f"bulk add: {len(images)} JPEGs (1920x1080), isctl add --batch {args.batch}, daemon --threads 2: "
          f"{bulk_per_s:.1f} images/s first to last acknowledgement ({len(images) / wall_s:.1f}/s over isctl's whole run)")
    print(f"bulk add: encoder benchmark (network only, batch 16, 2 threads): {encoder_per_s:.1f} images/s; "
          f"ratio encoder / bulk add {encoder_per_s / bulk_per_s:.3f}")

    decode, features = (value / ENCODER_THREADS for value in decode_and_features_ms(args, images))
    store = run_json(args.service_bench, "store", "--data-dir", args.store_data_dir, "--count", len(images),
                     "--batch", args.batch)["ms_per_image"]
    hashing = sha256_ms(images)
    measured = 1000 / bulk_per_s
    rest = measured - network_ms - decode - features - store - hashing
    print(f"bulk add: ms per image {measured:.2f} = network {network_ms:.2f} + decode {decode:.2f} + local features "
          f"{features:.2f} (encoder-bench decode / {ENCODER_THREADS} threads) + storage {store:.2f} (service-bench "
          f"store: lookups, durable insert per message) + SHA-256 {hashing:.2f} (hashlib) + rest {rest:.2f} "
          f"(transport, isctl, protobuf)")
    args.result.write_text(json.dumps({
        "bulk_add_images_per_s": bulk_per_s,
        "encoder_images_per_s": encoder_per_s,
        "bulk_add_ratio": encoder_per_s / bulk_per_s,
    }))


if __name__ == "__main__":
    main()
