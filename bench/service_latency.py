"""Times searches end to end against a running imagesearchd: `isctl search` and a persistent client.

Called by `bench/service` with a daemon serving a populated collection. Cycles through the query
JPEGs; in each round, one after the other on the same query:

- `isctl search QUERY --json -k K`, a new process per search: the user's view, start-up included;
- a persistent Python grpcio client (stubs generated from Protos/ with grpcio-tools, one channel
  for the whole run): Search with the image, then, to see where the time goes, Embed with the same
  image (decoding and the network alone) and Search with the vector Embed returned (the scan alone).

Interleaving the kinds keeps them comparable on a machine whose load changes. Also times
`isctl health` (process start, connection and an empty call) as isctl's floor. Prints readable
lines and writes the JSON fragment for the report to --result.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import grpc
import numpy as np
from imagesearch_stubs import load_stubs, milliseconds_of

WARM_UP_ROUNDS = 5
HEALTH_RUNS = 50
MAX_MESSAGE_BYTES = 64 << 20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--isctl", type=Path, required=True, help="the isctl executable")
    parser.add_argument("--socket", required=True, help="the daemon's Unix socket")
    parser.add_argument("--protos", type=Path, required=True, help="the Protos/ folder")
    parser.add_argument("--stubs", type=Path, required=True, help="folder for the generated Python stubs")
    parser.add_argument("--queries", type=Path, required=True, help="folder of query JPEGs named <photo>-<n>.jpg")
    parser.add_argument("--searches", type=int, required=True, help="timed searches of each kind")
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--result", type=Path, required=True, help="where to write the JSON fragment")
    return parser.parse_args()


def isctl_search(args, query):
    """The JSON results of one `isctl search` process."""
    command = [str(args.isctl), "search", str(query), "--json", "-k", str(args.top_k), "--socket", args.socket]
    completed = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(completed.stdout)["results"]


def is_source_photo(name, query):
    """Whether the stored image `name` (`.../astronaut.png`) is the photo `query` (`astronaut-0003.jpg`) was made from."""
    return Path(name).stem == query.stem.rsplit("-", 1)[0]


def percentiles(samples):
    return float(np.percentile(samples, 50)), float(np.percentile(samples, 99))


def time_searches(args, pb, stub, queries):
    """Runs the interleaved rounds; returns the ms of each kind and how often isctl's top hit was the
    query's source photo."""
    images = {path: path.read_bytes() for path in queries}
    times = {"isctl": [], "image": [], "embed": [], "vector": []}
    source_on_top = 0
    for round_index in range(WARM_UP_ROUNDS + args.searches):
        query = queries[round_index % len(queries)]
        image = images[query]
        isctl_ms, results = milliseconds_of(lambda: isctl_search(args, query))
        image_ms, found = milliseconds_of(lambda: stub.Search(pb.SearchRequest(image=image, top_k=args.top_k)))
        embed_ms, embedded = milliseconds_of(lambda: stub.Embed(pb.EmbedRequest(image=image)))
        vector = pb.Vector(values=embedded.vector)
        vector_ms, by_vector = milliseconds_of(lambda: stub.Search(pb.SearchRequest(vector=vector, top_k=args.top_k)))
        if len(results) != args.top_k or len(found.results) != args.top_k or len(by_vector.results) != args.top_k:
            sys.exit(f"FAILED: a search for {query.name} returned fewer than {args.top_k} results")
        if round_index < WARM_UP_ROUNDS:
            continue
        source_on_top += is_source_photo(results[0]["name"], query)
        for kind, ms in (("isctl", isctl_ms), ("image", image_ms), ("embed", embed_ms), ("vector", vector_ms)):
            times[kind].append(ms)
    return times, source_on_top


def time_health(args):
    command = [str(args.isctl), "health", "--socket", args.socket]
    return [milliseconds_of(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL))[0]
            for _ in range(HEALTH_RUNS)]


def main():
    args = parse_args()
    pb, pb_grpc = load_stubs(args.protos, args.stubs)
    options = [("grpc.max_send_message_length", MAX_MESSAGE_BYTES), ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)]
    with grpc.insecure_channel(f"unix://{args.socket}", options=options) as channel:
        stub = pb_grpc.ImageSearchStub(channel)
        count = stub.Stats(pb.StatsRequest()).count
        queries = sorted(args.queries.glob("*.jpg"))
        times, source_on_top = time_searches(args, pb, stub, queries)
    health_ms = time_health(args)

    isctl_p50, isctl_p99 = percentiles(times["isctl"])
    image_p50, image_p99 = percentiles(times["image"])
    embed_p50, embed_p99 = percentiles(times["embed"])
    vector_p50, vector_p99 = percentiles(times["vector"])
    print(f"search: {args.searches} searches of each kind over {count} images, top {args.top_k}, "
          f"{len(queries)} distinct 1920x1080 JPEG queries, ms p50 / p99:")
    print(f"search:   isctl search (a process per search)      {isctl_p50:7.2f} / {isctl_p99:7.2f}")
    print(f"search:   persistent client, Search with the image {image_p50:7.2f} / {image_p99:7.2f}")
    print(f"search:   persistent client, Embed the image       {embed_p50:7.2f} / {embed_p99:7.2f}   (decode + network)")
    print(f"search:   persistent client, Search with a vector  {vector_p50:7.2f} / {vector_p99:7.2f}   (scan + names)")
    print(f"search:   isctl health (start, connect, empty call) {float(np.median(health_ms)):6.2f} p50   (isctl's floor)")
    print(f"search: isctl's top result was the query's source photo in {source_on_top}/{args.searches} searches")
    args.result.write_text(json.dumps({
        "search_p50_ms": isctl_p50,
        "search_p99_ms": isctl_p99,
        "search_p50_ms_persistent_client": image_p50,
    }))


if __name__ == "__main__":
    main()
