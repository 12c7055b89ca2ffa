"""Makes the 1920x1080 JPEGs of `bench/service` from the repo photos: distinct views of each photo.

Called by `bench/service`. Each view is a random 16:9 crop (60-100 % of the largest one the photo
holds), mirrored half of the time, with brightness, contrast and colour jitter and light pixel noise,
resized to 1920x1080 and saved at quality 90. The repo photos are small (300-740 pixels high), so
their upscales are smooth; the noise gives the files the size of camera photos, and decoding them a
camera photo's cost. A fixed seed makes the same files every run.

Writes `--queries` views (named after their photo, so that a search can be checked) and `--bulk`
views, and prints one readable line about them.
"""

import argparse
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

SIZE = (1920, 1080)
QUALITY = 90
NOISE_SIGMA = 4.0  # grey levels
NOISE_MARGIN = 256  # the noise field is this much larger than a view, for random windows into it
SEED = 2024


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, required=True, help="folder of source photos")
    parser.add_argument("--queries", type=Path, required=True, help="folder for the query JPEGs")
    parser.add_argument("--query-count", type=int, required=True)
    parser.add_argument("--bulk", type=Path, required=True, help="folder for the JPEGs to add in bulk")
    parser.add_argument("--bulk-count", type=int, required=True)
    return parser.parse_args()


def load_photos(folder):
    """The source photos as RGB images, by file stem, in name order."""
    photos = {}
    for path in sorted(folder.iterdir()):
        with Image.open(path) as image:
            photos[path.stem] = image.convert("RGB")
    return photos


def noise_field(rng):
    """Gaussian noise a little larger than a view; each view adds a random window of it (drawing
    fresh noise for every view would take most of the time)."""
    shape = (SIZE[1] + NOISE_MARGIN, SIZE[0] + NOISE_MARGIN, 3)
    return np.rint(rng.standard_normal(shape, dtype=np.float32) * NOISE_SIGMA).astype(np.int16)


def random_view(photo, noise, rng):
    """A 1920x1080 view of `photo`: crop, maybe mirror, jitter, noise (see the module docstring)."""
    crop_width = min(photo.width, photo.height * SIZE[0] / SIZE[1]) * rng.uniform(0.6, 1.0)
    crop_height = crop_width * SIZE[1] / SIZE[0]
    left = rng.uniform(0, photo.width - crop_width)
    top = rng.uniform(0, photo.height - crop_height)
    view = photo.resize(SIZE, Image.Resampling.BICUBIC, box=(left, top, left + crop_width, top + crop_height))
    if rng.random() < 0.5:
        view = ImageOps.mirror(view)
    for enhancer in (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color):
        view = enhancer(view).enhance(rng.uniform(0.8, 1.2))
    top, left = rng.integers(0, NOISE_MARGIN, 2)
    pixels = np.asarray(view, dtype=np.int16) + noise[top:top + SIZE[1], left:left + SIZE[0]]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def write_views(photos, noise, folder, count, rng):
    """Writes `count` views, taking the photos in turn, as `<photo>-<n>.jpg`; returns their total bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    names = list(photos)
    total = 0
    for index in range(count):
        name = names[index % len(names)]
        path = folder / f"{name}-{index:04d}.jpg"
        random_view(photos[name], noise, rng).save(path, quality=QUALITY)
        total += path.stat().st_size
    return total


def main():
    args = parse_args()
    photos = load_photos(args.photos)
    rng = np.random.default_rng(SEED)
    noise = noise_field(rng)
    query_bytes = write_views(photos, noise, args.queries, args.query_count, rng)
    bulk_bytes = write_views(photos, noise, args.bulk, args.bulk_count, rng)
    mean_kb = (query_bytes + bulk_bytes) / (args.query_count + args.bulk_count) / 1000
    print(f"images: {args.query_count} query and {args.bulk_count} bulk JPEGs, 1920x1080 quality {QUALITY}, "
          f"from {len(photos)} repo photos, {mean_kb:.0f} kB on average")


if __name__ == "__main__":
    main()
