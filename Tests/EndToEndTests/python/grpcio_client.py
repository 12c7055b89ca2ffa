"""A plain Python grpcio client against imagesearchd, as another language's user would write it.

Usage: python grpcio_client.py SOCKET PROTOS_DIR IMAGE
Generates the imagesearch stubs from Protos/ with grpc_tools (the health check uses the standard
grpcio-health-checking package, as any Python user would), then: health check, add the image
(streaming), add it again, search with it, stats, and an error case. Prints one JSON object with what
it saw.
"""
import importlib
import json
import sys
import tempfile

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_tools import protoc


def load_stubs(protos_dir):
    out = tempfile.mkdtemp()
    proto = "imagesearch/v1/imagesearch.proto"
    if protoc.main(["protoc", f"-I{protos_dir}", f"--python_out={out}", f"--grpc_python_out={out}", proto]) != 0:
        raise SystemExit(f"protoc failed on {proto}")
    sys.path.insert(0, out)
    return importlib.import_module("imagesearch.v1.imagesearch_pb2"), importlib.import_module("imagesearch.v1.imagesearch_pb2_grpc")


def main():
    socket, protos_dir, image_path = sys.argv[1:4]
    pb, pb_grpc = load_stubs(protos_dir)
    channel = grpc.insecure_channel(f"unix://{socket}", options=[("grpc.max_send_message_length", 64 << 20)])
    report = {}
    report["health"] = health_pb2.HealthCheckResponse.ServingStatus.Name(
        health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="")).status)
    stub = pb_grpc.ImageSearchStub(channel)
    data = open(image_path, "rb").read()

    def requests():
        yield pb.AddImagesRequest(images=[pb.ImageToAdd(data=data, name="from-python", metadata={"lang": "python"})])

    results = [r for response in stub.AddImages(requests()) for r in response.results]
    report["add"] = [pb.AddResult.Status.Name(r.status) for r in results]
    again = [r for response in stub.AddImages(requests()) for r in response.results]
    report["add_again"] = [pb.AddResult.Status.Name(r.status) for r in again]
    found = stub.Search(pb.SearchRequest(image=data, top_k=3))
    report["search"] = [{"name": r.name, "distance": r.distance, "metadata": dict(r.metadata)} for r in found.results]
    report["metric"] = found.metric
    report["count"] = stub.Stats(pb.StatsRequest()).count
    try:
        stub.Get(pb.GetRequest(name="no-such-image"))
        report["missing"] = "no error"
    except grpc.RpcError as error:
        reason = dict(error.trailing_metadata() or ()).get("imagesearch-reason")
        report["missing"] = {"code": error.code().name, "reason": reason}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
