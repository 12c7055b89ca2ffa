"""Reads the pieces bench/milvus wrote and prints the report: readable lines, then one JSON object.

Usage: milvus_report.py WORK_DIR VECTORS BATCH...
Insert ratio = imagesearchd's rows per second / pymilvus's faster style's, per batch size (target ≥ 1);
search ratio = imagesearchd's median latency / pymilvus's on the same collection (target ≤ 1.2).
"""

import json
import sys
from pathlib import Path


def last_json(path):
    return json.loads(path.read_text().strip().splitlines()[-1])


def main():
    work, vectors, batches = Path(sys.argv[1]), int(sys.argv[2]), [int(value) for value in sys.argv[3:]]
    report = {"vectors": vectors}
    for index in ("FLAT", "HNSW"):
        key = index.lower()
        for batch in batches:
            ours = vectors / last_json(work / f"ours-insert-{index}-{batch}.json")["insert_s"]
            theirs = last_json(work / f"pymilvus-insert-{index}-{batch}.json")
            best = max(theirs.values())
            report |= {
                f"{key}_insert_rows_per_s_b{batch}": round(ours),
                f"{key}_pymilvus_insert_rows_per_s_b{batch}": round(best),
                f"{key}_insert_ratio_b{batch}": round(ours / best, 3),
            }
            print(f"{index}, calls of {batch} rows: insert {ours:.0f} rows/s vs pymilvus {best:.0f} (rows "
                  f"{theirs['pymilvus_rows_per_s_rows']:.0f}, columns {theirs['pymilvus_rows_per_s_columns']:.0f}): "
                  f"ratio {ours / best:.2f} (target ≥ 1)")
        search = last_json(work / f"search-{index}.json")
        report |= {
            f"{key}_search_p50_ms": round(search["ours_p50_ms"], 3),
            f"{key}_pymilvus_search_p50_ms": round(search["pymilvus_p50_ms"], 3),
            f"{key}_search_ratio": round(search["ours_p50_ms"] / search["pymilvus_p50_ms"], 3),
            f"{key}_same_results": search["same_results"],
        }
        print(f"{index}: search p50 {search['ours_p50_ms']:.2f} ms (p99 {search['ours_p99_ms']:.2f}) vs pymilvus "
              f"{search['pymilvus_p50_ms']:.2f} ms (p99 {search['pymilvus_p99_ms']:.2f}): ratio "
              f"{search['ours_p50_ms'] / search['pymilvus_p50_ms']:.2f} (target ≤ 1.2)")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
