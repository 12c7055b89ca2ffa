"""The transform suite of `bench/retrieval`: the edits a near-duplicate search must see through.

Each family lists one function per copy; a function takes an RGB image and a numpy Generator and
returns the edited image. The choices, and why:

- `rotate_small` turns by 5-30° either way with `expand=True` and a neutral grey fill
  (128, 128, 128), rather than cropping to the largest inscribed rectangle: every pixel of the
  original stays in the copy (which is larger), so the family measures the rotation alone, not a
  rotation plus a crop of up to 57 % of the image (a 30° turn of a 4:3 frame keeps about 43 % of it
  inside the inscribed rectangle). The grey corners are what a rotated scan shows anyway.
- `crop` keeps 50-90 % of the area, with the aspect ratio changed by up to 4:3 either way, at a
  random position; nothing is resized.
- `blur` is Gaussian with a radius (standard deviation) of 0.5 % of the width (mild) and 1.5 %
  (strong): about 3 and 10 pixels on a 640-pixel image.
- `occlusion` pastes 1-3 rectangles, each a solid random colour or uniform noise, covering 10-30 %
  of the area in total; each is placed where it overlaps no other (up to 100 tries), so the cover is
  what was drawn.
- `colour` jitters brightness and contrast by 0.6-1.4, saturation by 0.5-1.5, and turns the hue by
  up to ±28°.
- `perspective` moves each corner of the frame inwards by up to 20 % of the side, as a photo of a
  print seen at an angle; `affine` shears by up to ±0.2, scales by 0.8-1.2 and turns by up to ±10°
  about the centre. Both keep the original's size and fill with the same grey where the warped
  image does not reach (an affine copy scaled up loses its edges).
- `downscale_25` resizes to a quarter of each side (Lanczos), at least one pixel.

Copies are saved as JPEG at quality 95, except the JPEG families at their own quality.
"""

import math
from dataclasses import dataclass
from functools import partial

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

FILL = (128, 128, 128)
COPY_QUALITY = 95
PLACEMENT_TRIES = 100


@dataclass(frozen=True)
class Family:
    name: str
    copies: tuple  # one function (image, rng) -> image per copy
    quality: int = COPY_QUALITY


def rotate_small(image, rng):
    angle = rng.uniform(5, 30) * rng.choice([-1, 1])
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=FILL)


def transpose(method, image, rng):
    return image.transpose(method)


def hflip(image, rng):
    return ImageOps.mirror(image)


def crop(image, rng):
    """A random window keeping 50-90 % of the area; its aspect is the original's times up to 4:3 either way."""
    width, height = image.size
    area = rng.uniform(0.5, 0.9)
    stretch = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
    width_fraction = min(1.0, math.sqrt(area * stretch))
    height_fraction = min(1.0, area / width_fraction)
    width_fraction = area / height_fraction  # the width again, should the height have been capped
    crop_width = max(1, round(width * width_fraction))
    crop_height = max(1, round(height * height_fraction))
    left = rng.integers(0, width - crop_width + 1)
    top = rng.integers(0, height - crop_height + 1)
    return image.crop((left, top, left + crop_width, top + crop_height))


def blur(width_fraction, image, rng):
    return image.filter(ImageFilter.GaussianBlur(radius=width_fraction * image.width))


def patch_rectangle(width, height, area, rng):
    """(left, top, right, bottom) of a rectangle of about `area` pixels, aspect 1:2 to 2:1, at a random place."""
    aspect = math.exp(rng.uniform(math.log(1 / 2), math.log(2)))
    patch_height = max(1, min(height, round(math.sqrt(area / aspect))))
    patch_width = max(1, min(width, round(area / patch_height)))
    left = rng.integers(0, width - patch_width + 1)
    top = rng.integers(0, height - patch_height + 1)
    return left, top, left + patch_width, top + patch_height


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def occlusion(image, rng):
    """1-3 non-overlapping solid or noise rectangles covering 10-30 % of the area between them."""
    pixels = np.array(image)
    height, width = pixels.shape[:2]
    count = rng.integers(1, 4)
    area = rng.uniform(0.1, 0.3) * width * height / count
    placed = []
    for _ in range(count):
        for _ in range(PLACEMENT_TRIES):
            rectangle = patch_rectangle(width, height, area, rng)
            if not any(overlaps(rectangle, other) for other in placed):
                break
        placed.append(rectangle)
        left, top, right, bottom = rectangle
        if rng.random() < 0.5:
            pixels[top:bottom, left:right] = rng.integers(0, 256, 3)
        else:
            pixels[top:bottom, left:right] = rng.integers(0, 256, (bottom - top, right - left, 3))
    return Image.fromarray(pixels)


def as_is(image, rng):
    """For the JPEG families: the edit is the encoding at their quality."""
    return image


def colour(image, rng):
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.6, 1.4))
    image = ImageEnhance.Contrast(image).enhance(rng.uniform(0.6, 1.4))
    image = ImageEnhance.Color(image).enhance(rng.uniform(0.5, 1.5))
    hsv = np.array(image.convert("HSV"))
    hsv[..., 0] += np.uint8(rng.integers(-20, 21) % 256)  # of 256 steps: up to about ±28°, wrapping
    return Image.fromarray(hsv, "HSV").convert("RGB")


def perspective_coefficients(output_corners, input_corners):
    """Pillow's 8 PERSPECTIVE coefficients, which map output points to input points."""
    rows, targets = [], []
    for (x, y), (u, v) in zip(output_corners, input_corners):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        targets += [u, v]
    return np.linalg.solve(np.array(rows, dtype=float), np.array(targets, dtype=float))


def perspective(image, rng):
    """The frame drawn as a quadrilateral whose corners each move inwards by up to 20 % of the sides."""
    width, height = image.size
    dx = rng.uniform(0, 0.2, 4) * width
    dy = rng.uniform(0, 0.2, 4) * height
    frame = [(0, 0), (width, 0), (width, height), (0, height)]
    quad = [(dx[0], dy[0]), (width - dx[1], dy[1]), (width - dx[2], height - dy[2]), (dx[3], height - dy[3])]
    coefficients = perspective_coefficients(quad, frame)
    return image.transform(image.size, Image.Transform.PERSPECTIVE, coefficients,
                           resample=Image.Resampling.BICUBIC, fillcolor=FILL)


def affine(image, rng):
    """Shear, scale and turn about the centre, same size."""
    angle = math.radians(rng.uniform(-10, 10))
    shear = rng.uniform(-0.2, 0.2)
    scale = rng.uniform(0.8, 1.2)
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    forward = turn @ np.array([[1, shear], [0, 1]]) @ np.diag([scale, scale])
    inverse = np.linalg.inv(forward)  # Pillow maps output points to input points
    centre = np.array(image.size) / 2
    offset = centre - inverse @ centre
    coefficients = (inverse[0, 0], inverse[0, 1], offset[0], inverse[1, 0], inverse[1, 1], offset[1])
    return image.transform(image.size, Image.Transform.AFFINE, coefficients,
                           resample=Image.Resampling.BICUBIC, fillcolor=FILL)


def downscale_25(image, rng):
    size = (max(1, round(image.width / 4)), max(1, round(image.height / 4)))
    return image.resize(size, Image.Resampling.LANCZOS)


FAMILIES = (
    Family("rotate_small", (rotate_small,) * 3),
    Family("rotate_90", (partial(transpose, Image.Transpose.ROTATE_90),)),
    Family("rotate_180", (partial(transpose, Image.Transpose.ROTATE_180),)),
    Family("rotate_270", (partial(transpose, Image.Transpose.ROTATE_270),)),
    Family("hflip", (hflip,)),
    Family("crop", (crop,) * 2),
    Family("blur", (partial(blur, 0.005), partial(blur, 0.015))),
    Family("occlusion", (occlusion,)),
    Family("jpeg_q30", (as_is,), quality=30),
    Family("jpeg_q10", (as_is,), quality=10),
    Family("colour", (colour,)),
    Family("perspective", (perspective,)),
    Family("affine", (affine,)),
    Family("downscale_25", (downscale_25,)),
)
