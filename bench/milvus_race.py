"""The pymilvus side of bench/milvus, and the search race between imagesearchd and pymilvus.

  insert: creates a collection with imagesearchd's schema and index on the Milvus server, then inserts
          the vectors of a float32 file (row N named synthetic-N, as service-bench populate names them)
          in batches, timing only the insert calls, twice: with MilvusClient rows (pymilvus's documented
          way) and with the ORM's column-based Collection.insert (its fastest). Prints rows per second.
  search: on a collection imagesearchd serves from Milvus, times Search-by-vector through the daemon
          (a persistent grpcio channel on its Unix socket) and MilvusClient.search on the same Milvus
          collection directly, interleaved query by query, same vectors, top_k, index parameters,
          output fields (name, metadata) and consistency (Session). Checks that both return the same
          ids in the same order.

Both print readable lines on stderr and one JSON object on stdout.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import grpc
import numpy as np
from pymilvus import Collection, DataType, MilvusClient, connections

from imagesearch_stubs import load_stubs, milliseconds_of

MAX_MESSAGE_BYTES = 64 << 20
WARM_UP = 10
# imagesearchd's defaults for each index (MilvusIndex), so both sides build and search alike.
BUILD_PARAMS = {"FLAT": {}, "HNSW": {"M": 16, "efConstruction": 200}, "IVF_FLAT": {"nlist": 128}}
SEARCH_PARAMS = {"FLAT": {}, "HNSW": {"ef": 64}, "IVF_FLAT": {"nprobe": 16}}


def note(message):
    print(message, file=sys.stderr, flush=True)


def read_vectors(path, dimension):
    vectors = np.fromfile(path, dtype=np.float32)
    if vectors.size % dimension:
        sys.exit(f"FAILED: {path} does not hold {dimension}-d float32 vectors")
    return vectors.reshape(-1, dimension)


def create_collection(client, name, dimension, index):
    """imagesearchd's schema (MilvusSchema), its index on `vector`, loaded."""
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=True, description="pymilvus side of bench/milvus")
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("name", DataType.VARCHAR, max_length=65535)
    schema.add_field("content_sha256", DataType.VARCHAR, max_length=64)
    schema.add_field("metadata", DataType.JSON)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="vector", index_type=index, metric_type="L2", params=BUILD_PARAMS[index])
    client.create_collection(name, schema=schema, index_params=index_params)


def columns(first, count):
    names = [f"synthetic-{row}" for row in range(first, first + count)]
    hashes = [format(row, "064x") for row in range(first, first + count)]
    return names, hashes, [{}] * count


def insert_rows(client, name, vectors, batch):
    """MilvusClient.insert with a list of row dicts per batch; returns the seconds inside insert."""
    elapsed = 0.0
    for first in range(0, len(vectors), batch):
        chunk = vectors[first:first + batch]
        names, hashes, metadata = columns(first, len(chunk))
        rows = [{"name": n, "content_sha256": h, "metadata": m, "vector": v}
                for n, h, m, v in zip(names, hashes, metadata, chunk.tolist())]
        start = time.perf_counter()
        result = client.insert(name, rows)
        elapsed += time.perf_counter() - start
        if result["insert_count"] != len(chunk):
            sys.exit(f"FAILED: pymilvus inserted {result['insert_count']} of {len(chunk)} rows")
    return elapsed


def insert_columns(address, name, vectors, batch):
    """ORM Collection.insert with one list per field (vectors as a numpy array); seconds inside insert."""
    connections.connect(alias="bench", uri=f"http://{address}")
    collection = Collection(name, using="bench")
    elapsed = 0.0
    for first in range(0, len(vectors), batch):
        chunk = vectors[first:first + batch]
        names, hashes, metadata = columns(first, len(chunk))
        start = time.perf_counter()
        result = collection.insert([names, hashes, metadata, chunk])
        elapsed += time.perf_counter() - start
        if result.insert_count != len(chunk):
            sys.exit(f"FAILED: pymilvus inserted {result.insert_count} of {len(chunk)} rows")
    connections.disconnect("bench")
    return elapsed


def run_insert(args):
    vectors = read_vectors(args.vectors, args.dimension)
    client = MilvusClient(uri=f"http://{args.address}")
    rates = {}
    for style, insert in (("rows", lambda name: insert_rows(client, name, vectors, args.batch)),
                          ("columns", lambda name: insert_columns(args.address, name, vectors, args.batch))):
        name = f"{args.collection}_{style}"
        create_collection(client, name, args.dimension, args.index)
        seconds = insert(name)
        rates[style] = len(vectors) / seconds
        note(f"pymilvus ({style}): {len(vectors)} vectors in {seconds:.1f} s, {rates[style]:.0f} rows/s")
        client.drop_collection(name)
    print(json.dumps({"pymilvus_rows_per_s_rows": rates["rows"], "pymilvus_rows_per_s_columns": rates["columns"]}))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_search(args):
    messages, services = load_stubs(args.protos, args.stubs)
    channel = grpc.insecure_channel(f"unix://{args.socket}", options=[
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES), ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)])
    daemon = services.ImageSearchStub(channel)
    client = MilvusClient(uri=f"http://{args.address}")
    queries = read_vectors(args.queries, args.dimension)

    def ours(query):
        request = messages.SearchRequest(vector=messages.Vector(values=query), top_k=args.top_k)
        return [result.id for result in daemon.Search(request, timeout=30).results]

    def theirs(query):
        hits = client.search(args.collection, data=[query], limit=args.top_k, anns_field="vector",
                             search_params={"metric_type": "L2", "params": SEARCH_PARAMS[args.index]},
                             output_fields=["name", "metadata"], consistency_level="Session")
        return [hit["id"] for hit in hits[0]]

    ours_ms, theirs_ms, agreeing = [], [], 0
    for number, query in enumerate(queries.tolist()):
        our_time, our_ids = milliseconds_of(lambda: ours(query))
        their_time, their_ids = milliseconds_of(lambda: theirs(query))
        if len(our_ids) != args.top_k:
            sys.exit(f"FAILED: imagesearchd returned {len(our_ids)} results of {args.top_k}")
        agreeing += our_ids == their_ids
        if number >= WARM_UP:
            ours_ms.append(our_time)
            theirs_ms.append(their_time)
    agreement = agreeing / len(queries)
    note(f"search ({args.index}, {len(ours_ms)} queries, top {args.top_k}): imagesearchd p50 {statistics.median(ours_ms):.2f} ms, "
         f"pymilvus p50 {statistics.median(theirs_ms):.2f} ms; same ids in the same order for {agreement:.0%} of queries")
    if args.index == "FLAT" and agreement < 1:
        sys.exit("FAILED: on FLAT, imagesearchd and pymilvus must return the same ids")
    print(json.dumps({
        "ours_p50_ms": statistics.median(ours_ms), "ours_p99_ms": percentile(ours_ms, 0.99),
        "pymilvus_p50_ms": statistics.median(theirs_ms), "pymilvus_p99_ms": percentile(theirs_ms, 0.99),
        "same_results": agreement,
    }))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for command in ("insert", "search"):
        sub = commands.add_parser(command)
        sub.add_argument("--address", required=True, help="Milvus's host:port")
        sub.add_argument("--collection", required=True, help="the Milvus collection (insert: a prefix for new ones)")
        sub.add_argument("--dimension", type=int, required=True)
        sub.add_argument("--index", choices=sorted(BUILD_PARAMS), required=True)
    insert, search = commands.choices["insert"], commands.choices["search"]
    insert.add_argument("--vectors", type=Path, required=True, help="float32 file, rows × dimension")
    insert.add_argument("--batch", type=int, required=True, help="rows per insert call")
    search.add_argument("--socket", required=True, help="imagesearchd's Unix socket")
    search.add_argument("--queries", type=Path, required=True, help="float32 file, queries × dimension")
    search.add_argument("--protos", type=Path, required=True, help="the Protos/ folder")
    search.add_argument("--stubs", type=Path, required=True, help="folder for the generated Python stubs")
    search.add_argument("--top-k", type=int, default=10)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    run_insert(arguments) if arguments.command == "insert" else run_search(arguments)
