"""Gathers the JSON fragments of `bench/service`'s steps into its report.

Prints one line per target of the issue (the number, the target, met or not: reported, not
asserted), then the JSON object, values rounded to 3 decimals, as the last line of standard output.
"""

import json
import sys
from pathlib import Path

KEYS = [
    "search_p50_ms", "search_p99_ms", "search_p50_ms_persistent_client",
    "bulk_add_images_per_s", "encoder_images_per_s", "bulk_add_ratio",
    "exact_search_ms_100k", "faiss_ms_100k", "exact_search_ratio",
    "exact_search_ms_100k_1thread", "faiss_ms_100k_1thread",
    "restart_ready_s_100k", "rss_mb_100k",
]
# (key, limit, unit, what): every target is an upper limit.
TARGETS = [
    ("search_p50_ms", 15, "ms", "isctl search p50"),
    ("search_p99_ms", 40, "ms", "isctl search p99"),
    ("bulk_add_ratio", 1.2, "", "encoder img/s / bulk add img/s"),
    ("exact_search_ratio", 1.0, "", "exact search / FAISS, 2 threads"),
    ("restart_ready_s_100k", 3, "s", "start to healthy, 100k vectors"),
    ("rss_mb_100k", 1536, "MiB", "daemon RSS, 100k vectors"),
]


def main():
    fragments = {}
    for path in sys.argv[1:]:
        fragments.update(json.loads(Path(path).read_text()))
    missing = [key for key in KEYS if key not in fragments]
    if missing:
        sys.exit(f"FAILED: no result for {', '.join(missing)}")
    for key, limit, unit, what in TARGETS:
        value = fragments[key]
        verdict = "met" if value <= limit else "NOT met"
        print(f"target: {what:34} {value:9.3f} {unit:3} <= {limit:g} {unit:3} {verdict}")
    print(json.dumps({key: round(fragments[key], 3) for key in KEYS}))


if __name__ == "__main__":
    main()
