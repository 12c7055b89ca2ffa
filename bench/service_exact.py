"""Races the daemon's exact (FLAT) search against FAISS IndexFlatL2 on the same vectors and queries.

Called by `bench/service` once `service-bench populate` has filled a collection and written its
vectors as float32 (row N is the image `synthetic-N`). Makes random unit queries, then for 2 threads
(the daemon's) and 1 thread times, one query per call as the daemon answers them:

- `service-bench search --threads T`: the embedded backend's `search(topK:)`, names included;
- FAISS `IndexFlatL2.search` with `faiss.omp_set_num_threads(T)`.

Each is the median ms over the queries, after 3 untimed ones; the whole race is repeated, alternating
which side goes first, and the median of the medians is reported. Every run of ours must find the
same top-k rows as FAISS for every query (ties within float rounding excepted), else it stops with
FAILED. Prints readable lines and writes the JSON fragment for the report to --result.

FAISS 1.15 answers a single query no faster with 2 OpenMP threads than with 1 (here it is slower:
its BLAS threads and its own compete), so the ratio at 2 threads flatters us; a line also compares
with FAISS at whichever thread count was faster.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import faiss
import numpy as np

THREADS = (2, 1)
REPEATS = 3
WARM_UP_QUERIES = 3
TIE_TOLERANCE = 1e-5  # squared-distance gap under which two neighbours may swap through rounding
SEED = 7


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service-bench", type=Path, required=True, help="the service-bench executable")
    parser.add_argument("--data-dir", type=Path, required=True, help="data directory of the populated collection")
    parser.add_argument("--vectors", type=Path, required=True, help="its vectors, float32, as populate wrote them")
    parser.add_argument("--model-dir", type=Path, required=True, help="the model package (for the dimension)")
    parser.add_argument("--queries", type=Path, required=True, help="where to write the query vectors")
    parser.add_argument("--query-count", type=int, required=True)
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--result", type=Path, required=True, help="where to write the JSON fragment")
    return parser.parse_args()


def random_unit_vectors(count, dimension, rng):
    vectors = rng.standard_normal((count, dimension), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def time_ours(args, threads):
    """service-bench search's median ms and the rows it found per query."""
    command = [str(args.service_bench), "search", "--data-dir", str(args.data_dir), "--threads", str(threads),
               "--queries", str(args.queries), "--top-k", str(args.top_k), "--warm-up", str(WARM_UP_QUERIES)]
    completed = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    return result["median_ms"], np.array(result["rows"]), np.array(result["distances"])


def time_faiss(index, queries, top_k, threads):
    """FAISS's median ms, one query per call, and the rows and squared distances it found."""
    faiss.omp_set_num_threads(threads)
    for query in queries[:WARM_UP_QUERIES]:
        index.search(query[None, :], top_k)
    times, rows, distances = [], [], []
    for query in queries:
        start = time.perf_counter()
        found_distances, found_rows = index.search(query[None, :], top_k)
        times.append((time.perf_counter() - start) * 1000)
        rows.append(found_rows[0])
        distances.append(found_distances[0])
    return statistics.median(times), np.array(rows), np.array(distances)


def check_agreement(ours, theirs, vectors, queries, top_k):
    """Stops with FAILED unless every query's top-k rows are FAISS's, but for near-ties at the
    boundary; returns how many queries differ only by such ties."""
    ties = 0
    for index, (our_rows, their_rows) in enumerate(zip(ours, theirs)):
        if set(our_rows) == set(their_rows):
            continue
        union = np.array(sorted(set(our_rows) | set(their_rows)))
        exact = ((vectors[union].astype(np.float64) - queries[index].astype(np.float64)) ** 2).sum(axis=1)
        kth = np.sort(exact)[top_k - 1]
        disputed = exact[np.isin(union, list(set(our_rows) ^ set(their_rows)))]
        if np.any(our_rows < 0) or np.any(np.abs(disputed - kth) > TIE_TOLERANCE):
            sys.exit(f"FAILED: query {index}: ours found rows {sorted(our_rows)}, FAISS {sorted(their_rows)}")
        ties += 1
    return ties


def race(args, index, vectors, queries, threads):
    """Repeats ours and FAISS, alternating which goes first; returns the median of each side's medians."""
    ours_ms, faiss_ms, ties = [], [], 0
    for repeat in range(REPEATS):
        sides = ["ours", "faiss"] if repeat % 2 == 0 else ["faiss", "ours"]
        for side in sides:
            if side == "ours":
                median, our_rows, our_distances = time_ours(args, threads)
                ours_ms.append(median)
            else:
                median, their_rows, their_distances = time_faiss(index, queries, args.top_k, threads)
                faiss_ms.append(median)
        ties += check_agreement(our_rows, their_rows, vectors, queries, args.top_k)
        distance_gap = np.abs(np.sort(our_distances, axis=1) ** 2 - np.sort(their_distances, axis=1)).max()
        print(f"exact search: {threads} thread(s), repeat {repeat + 1}/{REPEATS}: ours {ours_ms[-1]:.3f} ms, "
              f"FAISS {faiss_ms[-1]:.3f} ms (median of {len(queries)} queries); top-{args.top_k} rows agree, "
              f"max |squared distance difference| {distance_gap:.1e}")
    if ties:
        print(f"exact search: {ties} query result(s) differed from FAISS only by near-ties (< {TIE_TOLERANCE} apart)")
    return statistics.median(ours_ms), statistics.median(faiss_ms)


def main():
    args = parse_args()
    dimension = json.loads((args.model_dir / "model.json").read_text())["embeddingDimension"]
    vectors = np.fromfile(args.vectors, dtype=np.float32).reshape(-1, dimension)
    queries = random_unit_vectors(args.query_count, dimension, np.random.default_rng(SEED))
    queries.tofile(args.queries)
    index = faiss.IndexFlatL2(dimension)
    index.add(vectors)
    print(f"exact search: {len(vectors)} x {dimension} float32 vectors, {len(queries)} random unit queries, top "
          f"{args.top_k}; FAISS {faiss.__version__} ({faiss.get_compile_options().strip()})")

    results = {threads: race(args, index, vectors, queries, threads) for threads in THREADS}
    faiss.omp_set_num_threads(THREADS[0])
    start = time.perf_counter()
    index.search(queries, args.top_k)
    batched_ms = (time.perf_counter() - start) * 1000 / len(queries)
    print(f"exact search: for context, FAISS with all {len(queries)} queries in one call ({THREADS[0]} threads, "
          f"BLAS): {batched_ms:.3f} ms per query")

    (ours_2, faiss_2), (ours_1, faiss_1) = results[2], results[1]
    print(f"exact search: ours / FAISS = {ours_2 / faiss_2:.3f} at 2 threads, {ours_1 / faiss_1:.3f} at 1 thread; "
          f"ours at 2 threads / FAISS at its faster setting = {ours_2 / min(faiss_1, faiss_2):.3f}")
    args.result.write_text(json.dumps({
        "exact_search_ms_100k": ours_2,
        "faiss_ms_100k": faiss_2,
        "exact_search_ratio": ours_2 / faiss_2,
        "exact_search_ms_100k_1thread": ours_1,
        "faiss_ms_100k_1thread": faiss_1,
    }))


if __name__ == "__main__":
    main()
