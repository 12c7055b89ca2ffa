"""The Python side of the daemon's protocol for the benchmark scripts: stubs generated at run time from
Protos/ with grpcio-tools (never committed, so they always match the .proto), and a timer."""

import importlib
import sys
import time

from grpc_tools import protoc


def load_stubs(protos, stubs):
    """Generates the imagesearch stubs into the folder `stubs` and imports them: (messages, services)."""
    stubs.mkdir(parents=True, exist_ok=True)
    proto = "imagesearch/v1/imagesearch.proto"
    if protoc.main(["protoc", f"-I{protos}", f"--python_out={stubs}", f"--grpc_python_out={stubs}", proto]) != 0:
        sys.exit(f"FAILED: protoc could not compile {proto}")
    sys.path.insert(0, str(stubs))
    return (importlib.import_module("imagesearch.v1.imagesearch_pb2"),
            importlib.import_module("imagesearch.v1.imagesearch_pb2_grpc"))


def milliseconds_of(call):
    """Runs `call()`; returns (elapsed ms, its result)."""
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result
