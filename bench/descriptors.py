"""Compares recipes for the global descriptor of EfficientNet-Lite0 on bench/retrieval's near-duplicate suite.

Why: the vector a search compares is the network's head map pooled into 1280 numbers. How the image is
framed (the centre crop of the model's manifest, or the whole frame), how the map is pooled (average, or
a generalised mean that weights strong activations more), whether the vector is scaled to length 1, and
extra views or a learned whitening each change what a search finds, and some cost more network passes.
This measures them side by side on the same copies, offline: no daemon, ONNX Runtime (one thread) runs
our own ONNX of the model (bench/encoder_onnx.py), edited to return the map before pooling, and the
scores are bench/retrieval's steps 3 and 5 with exact L2 distances in numpy. Steps:

1. Copies: bench/retrieval.py's own read_dataset, choose_originals and write_copies (same originals, same
   18 copies in 14 families, same random numbers for a seed), into WORK/copies; deleted as soon as the
   network has seen them (the development set's licences are research-only).
2. Network: every dataset image and copy, preprocessed as the daemon's Preprocessor does (in Pillow), in
   six views: centre224 (the manifest's centre crop at 224, the model's own input), whole224 (the
   whole frame squeezed to 224×224), whole320, and whole224 blurred by a Gaussian of sigma 0.5, 1 and
   1.5 % of the side (the retrieval recipe's low-pass). Each view's map is pooled by average and GeM
   p = 2, 3, 4.
3. Recipes: the descriptors of the variants below, from those pooled vectors.
4. Scores: near duplicates = each copy against the dataset images (the gallery), R@k = its original
   among the k nearest (rank = 1 + the gallery images strictly nearer than it), overall R@1/R@5/R@40 and
   R@1 per family; same place = bench/retrieval's step 5 (a ground truth's query frames against the
   reference frames, relevant = those it lists; elsewhere each image with a group mate against the other
   dataset images, relevant = its group mates), average precision over the full ranking, mean over all
   such queries.

Prints readable tables, then one JSON object as the last line of standard output; progress goes to stderr.
"""

import argparse
import json
import math
import shutil
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper
from PIL import Image, ImageOps

import retrieval  # its copies: read_dataset, choose_originals, write_copies
from encoder_onnx import same_pads
from retrieval_transforms import FAMILIES

DATASETS = ("ukbench_subset", "opencv_samples", "vprbench_corridor")
MAP_OUTPUT = "head.relu6"  # the head's activations in encoder_onnx.py's graph, before GlobalAveragePool
BATCH = 8
GEM_POWERS = (2, 3, 4)
RANKS = (1, 5, 40)
WHITENING_POWER = -0.25  # shrunk whitening: -0.5 (full) makes the gallery images near-equidistant
PROGRESS_EVERY = 800
EPSILON = 1e-12


@dataclass(frozen=True)
class View:
    """One network input made from an image: its framing ("centre" crop or "whole" frame), its side, and
    the sigma of a Gaussian blur of it as a fraction of the side (0: none)."""
    name: str
    framing: str
    size: int
    low_pass: float = 0.0


VIEWS = (View("centre224", "centre", 224), View("whole224", "whole", 224), View("whole320", "whole", 320),
         *(View(f"whole224_lp{sigma}", "whole", 224, sigma) for sigma in (0.005, 0.01, 0.015)))


@dataclass(frozen=True)
class Recipe:
    key: str
    description: str
    views: tuple  # the views it needs, one network pass each
    descriptors: np.ndarray  # (rows, dims): every gallery image, then every copy


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, required=True, help=f"folder holding {', '.join(DATASETS)}")
    parser.add_argument("--onnx", type=Path, required=True, help="bench/encoder_onnx.py's EfficientNet-Lite0")
    parser.add_argument("--model-dir", type=Path, required=True, help="the model package (its model.json's preprocessing)")
    parser.add_argument("--work", type=Path, required=True, help="scratch folder for the copies")
    parser.add_argument("--seed", type=int, required=True, help="bench/retrieval's seed of the copies")
    parser.add_argument("--quick", action="store_true", help=f"{retrieval.QUICK_ORIGINALS} originals only")
    return parser.parse_args()


def progress(message):
    print(message, file=sys.stderr, flush=True)


def fail(message):
    print(f"FAILED: {message}", flush=True)
    sys.exit(1)


def feature_map_session(onnx_path):
    """An ONNX Runtime session (1 intra-op, 1 inter-op thread: the views' times compare, and the run leaves
    a core to the rest of the machine) of the encoder ONNX edited to return the head's map before pooling
    (MAP_OUTPUT) as well as `features`, at any input side that is a multiple of 32. The classifier goes
    (nothing here needs it).

    encoder_onnx.py writes TF "SAME" padding as explicit pads computed for 224, but they depend on the side
    only through its parity at stride-2 convolutions; check_pads_fit checks they hold at every view's side."""
    model = onnx.load(onnx_path)
    graph = model.graph
    for axis, name in ((2, "H"), (3, "W")):
        dimension = graph.input[0].type.tensor_type.shape.dim[axis]
        dimension.ClearField("dim_value")
        dimension.dim_param = name
    for node in [node for node in graph.node if "logits" in node.output]:
        graph.node.remove(node)
    used = {name for node in graph.node for name in node.input}
    for initializer in [initializer for initializer in graph.initializer if initializer.name not in used]:
        graph.initializer.remove(initializer)
    features = next(output for output in graph.output if output.name == "features")
    channels = features.type.tensor_type.shape.dim[1].dim_value
    del graph.output[:]
    graph.output.extend([helper.make_tensor_value_info(MAP_OUTPUT, TensorProto.FLOAT, ["N", channels, "h", "w"]),
                         helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", channels])])
    onnx.checker.check_model(model)
    for view in VIEWS:
        check_pads_fit(graph, view.size)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def check_pads_fit(graph, side):
    """Stops unless every Conv's pads are those TF "SAME" needs for an input of `side` pixels. The convs
    are in data order in encoder_onnx.py's graph (a chain, residual adds keeping the size), so the side
    each one sees follows from the strides before it."""
    for node in graph.node:
        if node.op_type != "Conv":
            continue
        attributes = {attribute.name: helper.get_attribute_value(attribute) for attribute in node.attribute}
        expected, side_after = same_pads(side, attributes["kernel_shape"][0], attributes["strides"][0])
        if list(attributes["pads"]) != expected:
            fail(f"{node.name}: pads {list(attributes['pads'])}, SAME at side {side} needs {expected}")
        side = side_after


def network_input(path, view, preprocessing):
    """The float32 3×S×S input the daemon's Preprocessor (Sources/Imaging/Preprocessor.swift) makes, in Pillow:
    decoded at the smallest JPEG scale keeping both sides ≥ ceil(S / crop fraction) for the centre crop
    and ≥ S for the whole frame, turned upright, then the centre square of side int(fraction × short
    side) at ((w − side + 1) // 2, (h − side + 1) // 2) or the whole frame (aspect not kept), bicubic
    (antialiased) to S×S, (x − mean) × scale. Pillow's bicubic and libjpeg differ slightly from the Swift
    resampler and TurboJPEG: bench/retrieval's figures of the same recipe agree within about 2 points."""
    fraction = preprocessing["cropFraction"]
    minimum_side = math.ceil(view.size / fraction) if view.framing == "centre" else view.size
    with Image.open(path) as opened:
        opened.draft("RGB", (minimum_side, minimum_side))
        image = ImageOps.exif_transpose(opened).convert("RGB")
    box = (0, 0, image.width, image.height)
    if view.framing == "centre":
        side = max(1, int(fraction * min(image.size)))
        left, top = (image.width - side + 1) // 2, (image.height - side + 1) // 2
        box = (left, top, left + side, top + side)
    pixels = np.asarray(image.resize((view.size, view.size), Image.Resampling.BICUBIC, box=box), np.float32)
    if view.low_pass:
        pixels = gaussian_blurred(pixels, view.low_pass * view.size)
    return ((pixels - preprocessing["mean"]) * preprocessing["scale"]).transpose(2, 0, 1)


def gaussian_blurred(pixels, sigma):
    """HxWx3 grey levels blurred as Sources/Imaging/GaussianBlur.swift does: the Gaussian sampled at whole
    pixels out to ceil(3 sigma) and scaled to sum 1, along rows then columns, edges extended, rounded."""
    radius = math.ceil(3 * sigma)
    kernel = np.exp(-np.arange(-radius, radius + 1, dtype=np.float64) ** 2 / (2 * sigma * sigma))
    kernel = (kernel / kernel.sum()).astype(np.float32)
    for axis in (1, 0):
        padded = np.pad(pixels, [(radius, radius) if dim == axis else (0, 0) for dim in range(3)], mode="edge")
        pixels = sum(weight * np.take(padded, range(tap, tap + pixels.shape[axis]), axis=axis)
                     for tap, weight in enumerate(kernel))
    return np.clip(np.floor(pixels + 0.5), 0, 255)


def gem(feature_maps, power):
    """Generalised-mean pooling, (mean over the cells of x^p)^(1/p), in float64: between the average
    (p = 1) and the maximum (p → ∞), so a part of the image that fires strongly counts more than its
    area. The map is ReLU6's output, never negative, so nothing needs clamping."""
    maps = np.asarray(feature_maps, np.float64)
    return np.power(np.power(maps, power).mean(axis=(-2, -1)), 1.0 / power).astype(np.float32)


def l2_normalised(vectors):
    """Rows scaled to length 1: L2 distances then rank like cosine, and an image's overall activation
    (contrast, blur, how busy it is) no longer moves it away from its copies."""
    vectors = np.asarray(vectors, np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), EPSILON)


def multi_view(*pooled):
    """L2n of the sum of the views' L2n vectors: every view weighs the same, whatever its scale."""
    return l2_normalised(sum(l2_normalised(vectors) for vectors in pooled))


class PCAWhitening:
    """PCA-whitening learned on the rows of `learned_on` (L2n descriptors): centred on their mean, projected
    on all their non-zero principal components, each scaled by its eigenvalue^power, then L2n. It evens
    out the directions the collection varies most in; learned on the gallery being searched it fits that
    gallery only (bench/README.md: learned on other images it loses)."""

    def __init__(self, learned_on, power):
        learned_on = np.asarray(learned_on, np.float64)
        self.mean = learned_on.mean(axis=0)
        centred = learned_on - self.mean
        values, vectors = np.linalg.eigh(centred.T @ centred / len(learned_on))
        order = np.argsort(values)[::-1]
        values, vectors = values[order], vectors[:, order]
        self.dims = int((values > values[0] * 1e-9).sum())
        self.projection = vectors[:, :self.dims] * np.power(values[:self.dims], power)

    def __call__(self, descriptors):
        return l2_normalised((np.asarray(descriptors, np.float64) - self.mean) @ self.projection)


def pool_views(paths, session, preprocessing):
    """{view name: {"avg" or "gem<p>": (len(paths), 1280) float32}} and {view name: network ms per image}.
    "avg" is the ONNX `features` output, the model's own descriptor."""
    pooled, milliseconds = {}, {}
    for view in VIEWS:
        chunks, network_seconds = defaultdict(list), 0.0
        for start in range(0, len(paths), BATCH):
            batch = np.stack([network_input(path, view, preprocessing) for path in paths[start:start + BATCH]])
            began = time.perf_counter()
            feature_maps, features = session.run([MAP_OUTPUT, "features"], {"input": batch})
            network_seconds += time.perf_counter() - began
            chunks["avg"].append(features)
            for power in GEM_POWERS:
                chunks[f"gem{power}"].append(gem(feature_maps, power))
            done = start + len(batch)
            if done % PROGRESS_EVERY < BATCH or done == len(paths):
                progress(f"network: {view.name} {done}/{len(paths)} images")
        pooled[view.name] = {kind: np.concatenate(parts) for kind, parts in chunks.items()}
        milliseconds[view.name] = network_seconds * 1000 / len(paths)
    return pooled, milliseconds


def make_recipes(pooled, gallery_rows):
    """The variants compared, each from the pooled vectors of every row."""
    centre, whole, whole320 = pooled["centre224"], pooled["whole224"], pooled["whole320"]
    whole_gem3 = l2_normalised(whole["gem3"])
    whitening = PCAWhitening(whole_gem3[gallery_rows], WHITENING_POWER)
    return [
        Recipe("centre224_avg_raw", "baseline: the model's own features (centre crop, average pool, raw)",
               ("centre224",), centre["avg"]),
        Recipe("centre224_avg_l2n", "centre crop, average pool, L2n", ("centre224",), l2_normalised(centre["avg"])),
        Recipe("centre224_gem3_l2n", "centre crop, GeM p=3, L2n", ("centre224",), l2_normalised(centre["gem3"])),
        Recipe("whole224_avg_l2n", "whole frame, average pool, L2n", ("whole224",), l2_normalised(whole["avg"])),
        *[Recipe(f"whole224_gem{power}_l2n", f"whole frame, GeM p={power}, L2n", ("whole224",),
                 l2_normalised(whole[f"gem{power}"])) for power in GEM_POWERS],
        Recipe("whole224_gem3_raw", "whole frame, GeM p=3, raw", ("whole224",), whole["gem3"]),
        Recipe("whole320_gem3_l2n", "whole frame at 320, GeM p=3, L2n", ("whole320",), l2_normalised(whole320["gem3"])),
        Recipe("views_whole224_whole320_gem3", "L2n(sum of L2n GeM3) of whole224 and whole320",
               ("whole224", "whole320"), multi_view(whole["gem3"], whole320["gem3"])),
        Recipe("views_centre224_whole224_gem3", "L2n(sum of L2n GeM3) of centre224 and whole224",
               ("centre224", "whole224"), multi_view(centre["gem3"], whole["gem3"])),
        Recipe("views_centre224_whole224_whole320_gem3", "L2n(sum of L2n GeM3) of centre224, whole224, whole320",
               ("centre224", "whole224", "whole320"), multi_view(centre["gem3"], whole["gem3"], whole320["gem3"])),
        *[Recipe(f"whole224_lp{sigma}_gem3_l2n", f"whole frame, Gaussian low-pass sigma {sigma:g} of the side, GeM p=3, L2n",
                 (f"whole224_lp{sigma}",), l2_normalised(pooled[f"whole224_lp{sigma}"]["gem3"])) for sigma in (0.005, 0.01, 0.015)],
        Recipe("whole224_gem3_l2n_whitened",
               f"whole224 GeM3 L2n, PCA-whitened (eigenvalue^{WHITENING_POWER}, all {whitening.dims} components) "
               "learned on the gallery itself, L2n", ("whole224",), whitening(whole_gem3)),
    ]


def squared_distances(queries, gallery):
    queries, gallery = np.asarray(queries, np.float64), np.asarray(gallery, np.float64)
    return (queries * queries).sum(1)[:, None] - 2 * queries @ gallery.T + (gallery * gallery).sum(1)[None, :]


def near_duplicate_ranks(descriptors, gallery_rows, copy_rows, original_columns):
    """Per copy, 1 + the number of gallery images strictly nearer to it than its original."""
    distances = squared_distances(descriptors[copy_rows], descriptors[gallery_rows])
    own = distances[np.arange(len(copy_rows)), original_columns]
    return (distances < own[:, None]).sum(1) + 1


def same_place_map(descriptors, gallery_rows, queries):
    """Mean average precision of bench/retrieval's same-place queries (`queries`: (row, relevant rows,
    whether the query is in the place database)) over the place database (the gallery images but the
    queries outside it) ranked by distance, ties in gallery order, the query itself dropped."""
    outside = {row for row, _, in_database in queries if not in_database}
    database = np.array([row for row in gallery_rows if row not in outside])
    distances = squared_distances(descriptors[gallery_rows], descriptors[database])
    precisions = []
    for query, relevant_rows, _ in queries:
        ranking = [row for row in database[np.argsort(distances[query], kind="stable")] if row != query]
        hits = np.isin(ranking, list(relevant_rows))
        precisions.append(float(np.cumsum(hits)[hits].dot(1 / (np.flatnonzero(hits) + 1)) / len(relevant_rows)))
    return float(np.mean(precisions))


def score(recipe, gallery_rows, copy_rows, original_columns, copy_families, queries):
    """The recipe's figures for the JSON."""
    ranks = near_duplicate_ranks(recipe.descriptors, gallery_rows, copy_rows, original_columns)
    result = {"dims": recipe.descriptors.shape[1], "views": list(recipe.views)}
    result |= {f"r{k}": float((ranks <= k).mean()) for k in RANKS}
    result |= {f"r1_{family.name}": float((ranks[copy_families == family.name] <= 1).mean()) for family in FAMILIES}
    result["same_place_map"] = same_place_map(recipe.descriptors, gallery_rows, queries)
    return result


def report(recipes, results, milliseconds):
    """Prints an overall table (variants numbered) and a per-family R@1 table (columns = those numbers)."""
    base = milliseconds["centre224"]
    print("descriptors: near duplicates = each copy against the dataset images (L2); R@k = its original among the "
          "k nearest; same place = mAP of bench/retrieval's same-place queries; cost = network time ÷ one centre224 pass")
    print(f"{'#':>2} {'variant':<40} {'d':>5} {'cost':>5} {'R@1':>6} {'R@5':>6} {'R@40':>6} {'mAP':>6}")
    for number, recipe in enumerate(recipes, 1):
        figures = results[recipe.key]
        cost = sum(milliseconds[view] for view in recipe.views) / base
        print(f"{number:>2} {recipe.key:<40} {figures['dims']:>5} {cost:>4.1f}× {figures['r1']:>6.3f} "
              f"{figures['r5']:>6.3f} {figures['r40']:>6.3f} {figures['same_place_map']:>6.3f}")
    print("descriptors: R@1 per family (columns = the variants' numbers above)")
    print(f"{'family':<14}" + "".join(f"{number:>6}" for number in range(1, len(recipes) + 1)))
    for family in FAMILIES:
        print(f"{family.name:<14}" + "".join(f"{results[recipe.key][f'r1_{family.name}']:>6.3f}" for recipe in recipes))
    for number, recipe in enumerate(recipes, 1):
        print(f"{number:>2} {recipe.key}: {recipe.description}")


def main():
    args = parse_args()
    preprocessing = json.loads((args.model_dir / "model.json").read_text())["preprocessing"]
    started = time.perf_counter()
    datasets = {name: retrieval.read_dataset(args.devset / name) for name in DATASETS}
    images = [image for dataset in datasets.values() for image in dataset]
    originals = retrieval.choose_originals(images, args.quick)
    copies_folder = args.work / "copies"
    try:
        progress(f"copies: {retrieval.COPIES_PER_ORIGINAL} of each of {len(originals)} originals")
        copies = retrieval.write_copies(originals, args.seed, copies_folder)
        copied = time.perf_counter()
        session = feature_map_session(args.onnx)
        pooled, milliseconds = pool_views([image.path for image in images] + [copy.path for copy in copies],
                                          session, preprocessing)
    finally:
        shutil.rmtree(copies_folder, ignore_errors=True)
    encoded = time.perf_counter()

    gallery_rows = np.arange(len(images))
    copy_rows = np.arange(len(images), len(images) + len(copies))
    column_of = {image.name: column for column, image in enumerate(images)}
    original_columns = np.array([column_of[copy.original] for copy in copies])
    copy_families = np.array([copy.family for copy in copies])
    queries = [(column_of[query.image.name], {column_of[name] for name in query.relevant}, query.in_database)
               for name, dataset in datasets.items() for query in retrieval.place_queries(args.devset / name, dataset)]
    recipes = make_recipes(pooled, gallery_rows)
    results = {recipe.key: score(recipe, gallery_rows, copy_rows, original_columns, copy_families, queries)
               for recipe in recipes}

    print(f"descriptors: {len(originals)} originals, {retrieval.COPIES_PER_ORIGINAL} copies each ({len(copies)}), "
          f"seed {args.seed}; gallery {len(images)} dataset images; EfficientNet-Lite0 in ONNX Runtime "
          f"{ort.__version__}, 1 thread")
    if args.quick:
        print(f"descriptors: --quick: {len(copies)} copies, so the R@ figures are rough (one copy is "
              f"{1 / len(copies):.3f} overall); same-place mAP depends on the gallery alone and is the full run's")
    report(recipes, results, milliseconds)
    print(f"network: ms per image, 1 thread, batch {BATCH}: "
          + ", ".join(f"{view} {ms:.1f}" for view, ms in milliseconds.items()))
    print(f"time: copies {copied - started:.0f} s, network {encoded - copied:.0f} s, "
          f"scoring {time.perf_counter() - encoded:.0f} s")

    def rounded(value):
        return round(value, 3) if isinstance(value, float) else value

    result = {"variants": {key: {name: rounded(value) for name, value in figures.items()}
                           for key, figures in results.items()}}
    result |= {f"network_ms_{view}": round(ms, 3) for view, ms in milliseconds.items()}
    result |= {"originals": len(originals), "copies": len(copies), "gallery": len(images), "seed": args.seed,
               "quick": args.quick, "ort_version": ort.__version__}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
