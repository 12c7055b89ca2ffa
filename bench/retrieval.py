"""Measures imagesearchd's retrieval quality on the development image set, through its gRPC API.

Called by `bench/retrieval` with a daemon serving an empty data directory. Steps:

1. Copies: for each original (every dataset image except those with role `query`: all of
   ukbench_subset and opencv_samples, the `ref` frames of vprbench_corridor), the transform suite of
   `retrieval_transforms.py`, written as JPEGs into the work folder. Each copy's random numbers come
   from the seed and the copy's name alone, so a copy is the same whichever originals are chosen.
2. Collections: `default`, the gallery, gets every dataset image (originals, and the rest as
   distractors and same-place matches), named `<dataset>/<image>`, and every copy, named
   `copy/<family>/<k>/<dataset>/<image>`; `dataset` gets the dataset images alone (and `places`, step
   5, most of them). All through AddImages in messages of 16 images. Each add must be ADDED; an
   UNCHANGED one (content identical to a stored image) is reported and scored under the name the
   daemon stored that content under; anything else stops the run with FAILED.
3. Near duplicates: Search (top 10) with each copy's bytes in `dataset`; R@k = the copy's original
   within the first k. That is the usual copy-detection set-up: the edited image against the real
   ones, the other dataset images (group mates and neighbouring corridor frames included) as
   distractors. The same Search in the gallery, the copy itself dropped from
   the results, is reported too ("with copies"): there the original mostly loses first place to
   other copies, of the same original or of a similar image with the same edit (a blurred UKBench
   view finds the blurred copy of another view of the object), so that figure says more about how
   far the edits move an embedding than about finding the original. Latency is timed on the
   gallery Search. When the daemon verifies, the inlier counts of the `dataset` results are kept:
   the original's, and those of images of other groups.
4. The original design's score: Search in the gallery with each original's bytes; a family passes for
   that original when all its copies are within the top 1 + (number of copies), the original itself
   (distance 0) taking the other place, once the original's copies of other families are dropped from
   the results: otherwise a family's copies must also beat the original's copies of every other
   family, and its score would mix in how near those are. Reported for every family (a single copy
   must then be second), with the other families' copies kept too, and for all the original's
   copies at once (`all_families`: all of them in the top 1 + their number).
5. Same place: a third collection, `places`, the place database, gets every dataset image except the
   query frames of a dataset with a ground truth (`ground_truth_new.npy`, VPR-Bench's: for each query
   frame, the reference frames of the same spot, a window of up to 5 around its index). A Search there
   (top k = the whole database) with each such query frame: relevant = the reference frames its ground
   truth lists, as VPR-Bench scores it (the database holds the references only). In a dataset without
   one, a Search with each image that has at least one other member in its group (`groups.csv`): the
   image itself is dropped from the ranking, relevant = the other members of its group. Average
   precision is over the full ranking, relevant images never returned counting as misses; R@1 and
   R@4 = a relevant image among the first 1 or 4. Overall figures average over all queries, not over
   datasets. The same again with a second daemon (`--plain-socket`) serving plain features, the
   model's own recipe unverified: the peer the issue's same-place target is set against.
6. Stats of the gallery (count, index_memory_bytes) and the client-side latency of its near-duplicate
   Search calls (one persistent channel).
7. Latency in a larger gallery (`--latency-gallery N`, 10,000 by default, none with --quick):
   fillers are added to the gallery until it holds N images: more copies of the originals, drawn
   with seeds after the run's (seed + 1, seed + 2, …) and named `filler/<seed>/<family>/<k>/…`, real
   photos with local features like the rest (the edits without randomness repeat the run's copies
   and are stored once, so each seed adds about 2,700 images). Then every LATENCY_STRIDE-th copy is
   searched again in the gallery (top 10) and timed the same way. The scores above are all measured
   before the fillers arrive.

Prints readable lines (a table per family, one per dataset), then one JSON object as the last line;
progress goes to stderr.
"""

import argparse
import csv
import json
import sys
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import grpc
import numpy as np
from PIL import Image

from imagesearch_stubs import load_stubs
from retrieval_transforms import FAMILIES

BATCH = 16
MAX_TOP_K = 1000
GALLERY = "default"
DATASET = "dataset"
PLACES = "places"
GROUND_TRUTH = "ground_truth_new.npy"  # VPR-Bench's same-place ground truth, in a dataset folder
QUICK_ORIGINALS = 15
MAX_MESSAGE_BYTES = 64 << 20
PROGRESS_EVERY = 500
LATENCY_STRIDE = 4
FILL_CHUNK = 256
NEAR_DUPLICATE_TOP_K = 10
VERIFIED_INLIERS = 12  # the daemon's threshold (SearchResult.inliers in imagesearch.proto)
COPIES_PER_ORIGINAL = sum(len(family.copies) for family in FAMILIES)


@dataclass(frozen=True)
class DatasetImage:
    dataset: str
    image: str
    group: str  # empty: in no group
    role: str
    path: Path

    @property
    def name(self):
        return f"{self.dataset}/{self.image}"


@dataclass(frozen=True)
class PlaceQuery:
    """A same-place query: a dataset image, the names of the images that show its place, and whether it
    is in the place database (a ground truth's query frame is not: it is searched against the
    reference frames alone)."""
    image: DatasetImage
    relevant: frozenset
    in_database: bool


@dataclass(frozen=True)
class Copy:
    name: str
    path: Path
    family: str
    original: str  # the original's name
    dataset: str  # the original's


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", type=Path, nargs="+", help="dataset folders, each with images/ and groups.csv")
    parser.add_argument("--socket", required=True, help="the daemon's Unix socket")
    parser.add_argument("--plain-socket", required=True,
                        help="the Unix socket of a daemon with plain features (--embedding reference --verify off), "
                             "step 5's peer")
    parser.add_argument("--protos", type=Path, required=True, help="the Protos/ folder")
    parser.add_argument("--work", type=Path, required=True, help="folder for the stubs and the copies")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ORIGINALS} originals only")
    parser.add_argument("--daemon-args", default="", help="the daemon's extra arguments, for the JSON")
    parser.add_argument("--latency-gallery", type=int,
                        help="grow the gallery to this many images for a second latency measurement "
                             "(default 10000, or 0 with --quick: skip)")
    return parser.parse_args()


def progress(message):
    print(message, file=sys.stderr, flush=True)


def read_dataset(folder):
    """The images listed in the folder's groups.csv, in its order."""
    with open(folder / "groups.csv", newline="") as file:
        return [DatasetImage(folder.name, row["image"], row["group"], row["role"], folder / "images" / row["image"])
                for row in csv.DictReader(file)]


def place_queries(folder, images):
    """The dataset's same-place queries: from its ground truth when the folder has one, else from its groups."""
    if (folder / GROUND_TRUTH).exists():
        return ground_truth_queries(folder / GROUND_TRUTH, images)
    members = defaultdict(set)
    for image in images:
        if image.group:
            members[image.group].add(image.name)
    return [PlaceQuery(image, frozenset(members[image.group] - {image.name}), True)
            for image in images if image.group and len(members[image.group]) > 1]


def ground_truth_queries(path, images):
    """VPR-Bench's ground truth: rows (query index, [reference indices]), the indices counting the
    `query` and the `ref` frames in name order (`query_0000050.jpg` is query 50)."""
    queries = sorted((image for image in images if image.role == "query"), key=lambda image: image.image)
    references = sorted((image for image in images if image.role == "ref"), key=lambda image: image.image)
    rows = np.load(path, allow_pickle=True)  # an object array; the file comes with the dataset
    if len(rows) != len(queries) or max(max(refs) for _, refs in rows) >= len(references):
        sys.exit(f"FAILED: {path} has {len(rows)} queries for {len(queries)} query and {len(references)} ref frames")
    return [PlaceQuery(queries[query], frozenset(references[ref].name for ref in refs), False) for query, refs in rows]


def choose_originals(images, quick):
    """Every image but same-place queries; with `quick`, QUICK_ORIGINALS of them spread over the datasets."""
    originals = [image for image in images if image.role != "query"]
    if quick:
        originals = originals[::max(1, len(originals) // QUICK_ORIGINALS)][:QUICK_ORIGINALS]
    return originals


def make_copies(task):
    """Writes the transformed copies of one original under `folder`, at paths mirroring their names
    (`prefix/<family>/<k>/<original>`)."""
    original, seed, folder, prefix = task
    with Image.open(original.path) as opened:
        image = opened.convert("RGB")
    copies = []
    for family in FAMILIES:
        for k, transform in enumerate(family.copies):
            name = f"{prefix}/{family.name}/{k}/{original.name}"
            rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            transform(image, rng).save(path, format="JPEG", quality=family.quality)
            copies.append(Copy(name, path, family.name, original.name, original.dataset))
    return copies


def write_copies(originals, seed, folder, prefix="copy"):
    """All the copies, in the order of the originals, made on all cores."""
    copies = []
    with Pool() as pool:
        tasks = [(original, seed, folder, prefix) for original in originals]
        for done, made in enumerate(pool.imap(make_copies, tasks), 1):
            copies += made
            if done % 50 == 0:
                progress(f"copies: {done}/{len(originals)} originals done")
    return copies


def add_images(stub, pb, collection, entries, report_unchanged=True):
    """Adds (name, path) entries in messages of BATCH images. Returns {name: the name the daemon stores
    that content under}: the name itself when ADDED, the earlier image's when UNCHANGED (printed when
    `report_unchanged`)."""
    def requests():
        for start in range(0, len(entries), BATCH):
            images = [pb.ImageToAdd(name=name, data=path.read_bytes()) for name, path in entries[start:start + BATCH]]
            yield pb.AddImagesRequest(collection=collection, images=images)

    stored_as = {}
    for response in stub.AddImages(requests()):
        for result in response.results:
            name = entries[result.index][0]
            if result.status == pb.AddResult.ADDED:
                stored_as[name] = name
            elif result.status == pb.AddResult.UNCHANGED:
                stored_as[name] = result.name
                if report_unchanged:
                    print(f"add: {name} is identical to {result.name}, stored once (UNCHANGED)")
            else:
                sys.exit(f"FAILED: adding {name} to {collection}: {pb.AddResult.Status.Name(result.status)} "
                         f"{result.error.reason}: {result.error.message}")
        if len(stored_as) % PROGRESS_EVERY < BATCH:
            progress(f"add: {len(stored_as)}/{len(entries)} images into {collection}")
    if len(stored_as) != len(entries):
        sys.exit(f"FAILED: AddImages answered {len(stored_as)} of {len(entries)} images in {collection}")
    return stored_as


def search_results(stub, pb, data, top_k, collection=GALLERY):
    return stub.Search(pb.SearchRequest(collection=collection, image=data, top_k=top_k)).results


def search(stub, pb, data, top_k, collection=GALLERY):
    return [result.name for result in search_results(stub, pb, data, top_k, collection)]


def timed_search(stub, pb, data):
    """The names a gallery Search (top 10) with `data` returns, and its client-side ms."""
    start = time.perf_counter()
    names = search(stub, pb, data, NEAR_DUPLICATE_TOP_K)
    return names, (time.perf_counter() - start) * 1000


def rank_of(name, ranking):
    """The 1-based rank of `name` in `ranking`, None when absent."""
    return ranking.index(name) + 1 if name in ranking else None


def near_duplicate_ranks(stub, pb, copies, stored_as, dataset_stored_as, group_of):
    """Per copy name, the rank of its original in a Search with the copy, twice: in `dataset` (the
    score) and in the gallery, the copy itself dropped (with copies); the ms of each gallery Search;
    and the inlier counts verification gave in `dataset` to the originals and to images of other
    groups than the original's (a different scene), per copy family."""
    ranks, ranks_with_copies, milliseconds = {}, {}, []
    inliers = defaultdict(lambda: {"original": [], "other_scene": []})
    for done, copy in enumerate(copies, 1):
        data = copy.path.read_bytes()
        results = search_results(stub, pb, data, NEAR_DUPLICATE_TOP_K, DATASET)
        among_dataset = [result.name for result in results]
        ranks[copy.name] = rank_of(dataset_stored_as[copy.original], among_dataset)
        for result in results:
            if not result.HasField("inliers"):
                continue
            if result.name == dataset_stored_as[copy.original]:
                inliers[copy.family]["original"].append(result.inliers)
            elif group_of[result.name] != group_of[dataset_stored_as[copy.original]]:
                inliers[copy.family]["other_scene"].append(result.inliers)
        in_gallery, elapsed = timed_search(stub, pb, data)
        milliseconds.append(elapsed)
        others = [name for name in in_gallery if name != stored_as[copy.name]]
        ranks_with_copies[copy.name] = rank_of(stored_as[copy.original], others)
        if done % PROGRESS_EVERY == 0:
            progress(f"near duplicates: {done}/{len(copies)} copies")
    return ranks, ranks_with_copies, milliseconds, inliers


def design_passes(stub, pb, originals, copies, stored_as):
    """Per family (and "all_families", all the copies at once), for each original: whether all the
    family's copies are in the top 1 + (their number) of a Search with the original, once the
    original's copies of other families are dropped (the score), and with them kept."""
    copies_of = defaultdict(lambda: defaultdict(set))  # original -> family -> stored names
    for copy in copies:
        copies_of[copy.original][copy.family].add(stored_as[copy.name])
        copies_of[copy.original]["all_families"].add(stored_as[copy.name])
    passes, passes_siblings_kept = defaultdict(list), defaultdict(list)
    for original in originals:
        names = search(stub, pb, original.path.read_bytes(), 1 + COPIES_PER_ORIGINAL)
        own = copies_of[original.name]
        for family, wanted in own.items():
            ranking = [name for name in names if name not in own["all_families"] - wanted]
            passes[family].append(wanted <= set(ranking[:1 + len(wanted)]))
            passes_siblings_kept[family].append(wanted <= set(names[:1 + len(wanted)]))
    return passes, passes_siblings_kept


def average_precision(ranking, relevant):
    """Mean over the relevant names of the precision at each one's rank; one never ranked counts 0."""
    hits, total = 0, 0.0
    for rank, name in enumerate(ranking, 1):
        if name in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


def same_place_scores(stub, pb, queries, images):
    """Fills `places` with the place database (the dataset images but the queries outside it); per
    dataset, a list of (average precision, hit at 1, hit at 4), one per query, from a Search there (the
    query itself dropped from the ranking when it is in the database)."""
    outside = {query.image.name for query in queries if not query.in_database}
    stored_as = add_images(stub, pb, PLACES, [(image.name, image.path) for image in images if image.name not in outside])
    top_k = min(MAX_TOP_K, len(stored_as))
    progress(f"same place: {len(queries)} searches in {len(stored_as)} images")
    scores = defaultdict(list)
    for query in queries:
        own = stored_as[query.image.name] if query.in_database else None
        relevant = {stored_as[name] for name in query.relevant} - {own}
        if not relevant:
            continue
        ranking = [name for name in search(stub, pb, query.image.path.read_bytes(), top_k, PLACES) if name != own]
        scores[query.image.dataset].append((average_precision(ranking, relevant),
                                            ranking[0] in relevant, bool(relevant & set(ranking[:4]))))
    return scores


def mean(values):
    return float(np.mean(values))


def recall(ranks, k):
    """The fraction of ranks within the first k."""
    return mean([rank is not None and rank <= k for rank in ranks])


def report_near_duplicates(copies, measured):
    """Prints the table per family; returns its figures for the JSON."""
    print(f"near duplicates: Search top {NEAR_DUPLICATE_TOP_K} with each copy among the dataset images; "
          "R@k = its original in the first k; with copies: the same in the gallery, the query itself dropped")
    print("near duplicates: design = all the family's copies in the top 1 + (their number) of a Search with the "
          "original, its other families' copies dropped; kept: not dropped")
    print(f"{'family':<14} {'queries':>7} {'R@1':>6} {'R@5':>6} {'design':>6}   "
          f"{'with copies: R@1':>16} {'R@5':>6}   {'kept: design':>12}")
    result = {}
    for family in [family.name for family in FAMILIES] + ["all"]:
        names = [copy.name for copy in copies if family in (copy.family, "all")]
        ranks = [measured.ranks[name] for name in names]
        ranks_with_copies = [measured.ranks_with_copies[name] for name in names]
        r1, r5 = recall(ranks, 1), recall(ranks, 5)
        with_copies_r1, with_copies_r5 = recall(ranks_with_copies, 1), recall(ranks_with_copies, 5)
        design_family = "all_families" if family == "all" else family
        design = mean(measured.passes[design_family])
        kept_design = mean(measured.passes_siblings_kept[design_family])
        print(f"{family:<14} {len(names):>7} {r1:>6.3f} {r5:>6.3f} {design:>6.3f}   "
              f"{with_copies_r1:>16.3f} {with_copies_r5:>6.3f}   {kept_design:>12.3f}")
        if family == "all":
            result |= {"overall_r1": r1, "overall_r5": r5, "overall_r1_with_copies": with_copies_r1,
                       "overall_r5_with_copies": with_copies_r5, "design_score_all_families": design}
        else:
            result |= {f"r1_{family}": r1, f"r5_{family}": r5, f"design_score_{family}": design}
    result["design_score_rotate_small_siblings_kept"] = mean(measured.passes_siblings_kept["rotate_small"])
    print(f"near duplicates: design in the row 'all': all {COPIES_PER_ORIGINAL} copies of the original in the top "
          f"{1 + COPIES_PER_ORIGINAL}")
    return result


def report_near_duplicates_by_dataset(copies, ranks):
    """Prints R@1 and R@5 of the near duplicates per dataset of the originals; returns them for the JSON."""
    print(f"{'dataset':<20} {'queries':>7} {'R@1':>6} {'R@5':>6}   (near duplicates, by the original's dataset)")
    result = {}
    for dataset in dict.fromkeys(copy.dataset for copy in copies):
        dataset_ranks = [ranks[copy.name] for copy in copies if copy.dataset == dataset]
        r1, r5 = recall(dataset_ranks, 1), recall(dataset_ranks, 5)
        print(f"{dataset:<20} {len(dataset_ranks):>7} {r1:>6.3f} {r5:>6.3f}")
        result |= {f"near_duplicate_r1_{dataset}": r1, f"near_duplicate_r5_{dataset}": r5}
    return result


def report_verification(inliers):
    """Prints the inlier counts of originals and of other scenes per family; returns the overall
    figures for the JSON (none when the daemon did not verify)."""
    everything = {"original": [], "other_scene": []}
    for counts in inliers.values():
        for kind in everything:
            everything[kind] += counts[kind]
    if not everything["original"] and not everything["other_scene"]:
        print("verification: off (no result carried an inlier count)")
        return {}
    print(f"verification: inliers of the original among the near-duplicate results, and of images of other scenes "
          f"(another group, or none); verified = at least {VERIFIED_INLIERS}")
    print(f"{'family':<14} {'originals':>9} {'p10':>5} {'p50':>5} {'verified':>8}   {'others':>6} {'p99':>5} {'max':>5} {'verified':>8}")
    for family, counts in [*inliers.items(), ("all", everything)]:
        original, other = np.array(counts["original"] or [0]), np.array(counts["other_scene"] or [0])
        print(f"{family:<14} {len(counts['original']):>9} {np.percentile(original, 10):>5.0f} {np.percentile(original, 50):>5.0f} "
              f"{np.mean(original >= VERIFIED_INLIERS):>8.3f}   {len(counts['other_scene']):>6} {np.percentile(other, 99):>5.0f} "
              f"{other.max():>5.0f} {np.mean(other >= VERIFIED_INLIERS):>8.4f}")
    original, other = np.array(everything["original"] or [0]), np.array(everything["other_scene"] or [0])
    return {"inliers_original_p10": float(np.percentile(original, 10)), "inliers_original_p50": float(np.percentile(original, 50)),
            "original_verified": float(np.mean(original >= VERIFIED_INLIERS)),
            "inliers_other_scene_p99": float(np.percentile(other, 99)), "inliers_other_scene_max": int(other.max()),
            "other_scene_verified": float(np.mean(other >= VERIFIED_INLIERS))}


def report_same_place(scores, plain):
    """Prints the table per dataset, with the mAP of plain features (`plain`: their scores); returns
    its figures for the JSON."""
    if not scores:
        print("same place: no dataset image has a group mate or a ground truth")
        return {}
    result = {}
    print("same place: Search in the place database (the dataset images but a ground truth's query frames) with "
          "each query frame of a ground truth (relevant: the reference frames it lists) or else each image with "
          "a group mate (relevant: its group mates); plain = the same with the model's own features, unverified "
          "(a second daemon: --embedding reference --verify off)")
    print(f"{'dataset':<20} {'queries':>7} {'mAP':>6} {'R@1':>6} {'R@4':>6} {'plain':>6}")
    for dataset, rows, plain_rows in [*((dataset, rows, plain[dataset]) for dataset, rows in scores.items()),
                                      ("all", [row for rows in scores.values() for row in rows],
                                       [row for rows in plain.values() for row in rows])]:
        average, r1, r4 = (mean(column) for column in zip(*rows))
        plain_average = mean([row[0] for row in plain_rows])
        print(f"{dataset:<20} {len(rows):>7} {average:>6.3f} {r1:>6.3f} {r4:>6.3f} {plain_average:>6.3f}")
        suffix = "" if dataset == "all" else f"_{dataset}"
        result |= {f"same_place_map{suffix}": average, f"same_place_r1{suffix}": r1, f"same_place_r4{suffix}": r4,
                   f"same_place_map_plain{suffix}": plain_average}
    print(f"same place: mAP {result['same_place_map'] - result['same_place_map_plain']:+.3f} against plain features")
    return result


@dataclass
class Measurements:
    ranks: dict
    ranks_with_copies: dict
    inliers: dict
    search_milliseconds: list
    passes: dict
    passes_siblings_kept: dict
    same_place: dict
    same_place_plain: dict  # the same from the plain-features daemon
    stats: object  # the gallery's StatsResponse
    large_stats: object  # the gallery's StatsResponse once grown for step 7; None when skipped
    large_milliseconds: list


def fill_gallery(stub, pb, originals, seed, folder, target):
    """Adds fillers (copies drawn with the seeds after `seed`) to the gallery until it holds `target`
    images, FILL_CHUNK at a time. The edits without randomness (quarter turns, mirroring, JPEG,
    downscaling) repeat the run's copies, which the daemon stores once (UNCHANGED)."""
    filler_seed = seed
    count = stub.Stats(pb.StatsRequest(collection=GALLERY)).count
    while count < target:
        filler_seed += 1
        progress(f"latency gallery: fillers with seed {filler_seed}, {count}/{target} images")
        fillers = write_copies(originals, filler_seed, folder, prefix=f"filler/{filler_seed}")
        for start in range(0, len(fillers), FILL_CHUNK):
            chunk = fillers[start:start + FILL_CHUNK][:target - count]
            add_images(stub, pb, GALLERY, [(filler.name, filler.path) for filler in chunk], report_unchanged=False)
            count = stub.Stats(pb.StatsRequest(collection=GALLERY)).count
            if count >= target:
                return


def timed_searches(stub, pb, copies):
    """Client-side ms of a gallery Search (top 10) with each copy."""
    return [timed_search(stub, pb, copy.path.read_bytes())[1] for copy in copies]


def measure(pb, pb_grpc, args, images, originals, copies, queries):
    """Fills the three collections, runs every search, and reads the gallery's Stats; then grows the
    gallery to --latency-gallery images (10,000 unless --quick) and times searches again."""
    dataset_entries = [(image.name, image.path) for image in images]
    options = [("grpc.max_send_message_length", MAX_MESSAGE_BYTES), ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)]
    with grpc.insecure_channel(f"unix://{args.socket}", options=options) as channel:
        stub = pb_grpc.ImageSearchStub(channel)
        stored_as = add_images(stub, pb, GALLERY, dataset_entries + [(copy.name, copy.path) for copy in copies])
        dataset_stored_as = add_images(stub, pb, DATASET, dataset_entries)
        progress(f"near duplicates: {len(copies)} copies, a Search in each collection")
        group_of = {dataset_stored_as[image.name]: (image.dataset, image.group or image.name) for image in images}
        ranks, ranks_with_copies, milliseconds, inliers = near_duplicate_ranks(
            stub, pb, copies, stored_as, dataset_stored_as, group_of)
        progress(f"design: {len(originals)} searches with the originals")
        passes, passes_siblings_kept = design_passes(stub, pb, originals, copies, stored_as)
        same_place = same_place_scores(stub, pb, queries, images)
        stats = stub.Stats(pb.StatsRequest(collection=GALLERY))
        large_stats, large_milliseconds = None, []
        latency_gallery = args.latency_gallery if args.latency_gallery is not None else 0 if args.quick else 10_000
        if latency_gallery > stats.count:
            fill_gallery(stub, pb, originals, args.seed, args.work / "fillers", latency_gallery)
            progress(f"latency gallery: {len(copies[::LATENCY_STRIDE])} timed searches")
            large_milliseconds = timed_searches(stub, pb, copies[::LATENCY_STRIDE])
            large_stats = stub.Stats(pb.StatsRequest(collection=GALLERY))
    with grpc.insecure_channel(f"unix://{args.plain_socket}", options=options) as channel:
        progress("same place, plain features:")
        same_place_plain = same_place_scores(pb_grpc.ImageSearchStub(channel), pb, queries, images)
    return Measurements(ranks, ranks_with_copies, inliers, milliseconds, passes, passes_siblings_kept, same_place,
                        same_place_plain, stats, large_stats, large_milliseconds)


def main():
    args = parse_args()
    started = time.perf_counter()
    datasets = [read_dataset(folder) for folder in args.datasets]
    if len({images[0].dataset for images in datasets}) != len(datasets):
        sys.exit("FAILED: two dataset folders have the same name, so their images would have the same names")
    images = [image for dataset in datasets for image in dataset]
    queries = [query for folder, dataset in zip(args.datasets, datasets) for query in place_queries(folder, dataset)]
    originals = choose_originals(images, args.quick)
    progress(f"copies: {COPIES_PER_ORIGINAL} of each of {len(originals)} originals")
    copies = write_copies(originals, args.seed, args.work / "copies")
    generated = time.perf_counter()
    pb, pb_grpc = load_stubs(args.protos, args.work / "stubs")
    measured = measure(pb, pb_grpc, args, images, originals, copies, queries)
    searched = time.perf_counter()

    stats = measured.stats
    per_dataset = ", ".join(f"{sum(o.dataset == d[0].dataset for o in originals)} {d[0].dataset}" for d in datasets)
    print(f"retrieval: {len(originals)} originals ({per_dataset}), {COPIES_PER_ORIGINAL} copies each, seed {args.seed}; "
          f"gallery {stats.count} images ({len(images)} dataset images + {len(copies)} copies)")
    print(f"retrieval: {stats.model}, {stats.index_type}, daemon arguments: {args.daemon_args or '(none)'}")
    result = (report_near_duplicates(copies, measured)
              | report_near_duplicates_by_dataset(copies, measured.ranks) | report_verification(measured.inliers)
              | report_same_place(measured.same_place, measured.same_place_plain))
    p50, p90 = (float(np.percentile(measured.search_milliseconds, q)) for q in (50, 90))
    print(f"index: {stats.count} images, index memory {stats.index_memory_bytes / 1048576:.1f} MiB")
    print(f"latency: near-duplicate Search calls in the gallery, client side, persistent channel: "
          f"p50 {p50:.2f} ms, p90 {p90:.2f} ms")
    if measured.large_stats:
        large_p50, large_p90 = (float(np.percentile(measured.large_milliseconds, q)) for q in (50, 90))
        print(f"latency: {len(measured.large_milliseconds)} of those Search calls again, the gallery grown to "
              f"{measured.large_stats.count} images: p50 {large_p50:.2f} ms, p90 {large_p90:.2f} ms")
        result |= {"latency_gallery_count": measured.large_stats.count, "latency_gallery_p50_ms": large_p50,
                   "latency_gallery_p90_ms": large_p90}
    print(f"time: copies {generated - started:.0f} s, adds and searches {searched - generated:.0f} s")
    result |= {"index_memory_bytes": stats.index_memory_bytes, "count": stats.count,
               "search_p50_ms": p50, "search_p90_ms": p90, "originals": len(originals), "copies": len(copies),
               "seed": args.seed, "daemon_args": args.daemon_args}
    print(json.dumps({key: round(value, 3) if isinstance(value, float) else value for key, value in result.items()}))


if __name__ == "__main__":
    main()
