"""Writes the part of Milvus's gRPC API that the Milvus backend uses as a FileDescriptorSet.

Milvus publishes its .proto files only in its own repository; on this project's machines the API
arrives through PyPI, as the compiled descriptors inside pymilvus (pymilvus/grpc_gen/*_pb2.py). This
script collects `milvus.proto` and its dependencies from there and prunes them to the RPCs listed
below and, transitively, the messages and enums those reference. The whole API generates ~57k lines
of Swift that take minutes to compile; the pruned set is a small fraction of it.

Run by scripts/generate-milvus-protos inside a virtualenv holding the pinned pymilvus:
    python milvus_descriptors.py OUTPUT.pb   (prints the .proto file names to pass to protoc)
"""

import sys

from google.protobuf import descriptor_pb2
from pymilvus.grpc_gen import milvus_pb2

SERVICE = "milvus.proto.milvus.MilvusService"

# The RPCs Sources/MilvusBackend calls. Add one here when the backend starts using it. Pruning also
# drops `rpc Import`, whose generated Swift method `import` is a keyword the generator does not escape.
METHODS = [
    "HasCollection",
    "CreateCollection",
    "DescribeCollection",
    "DropCollection",
    "CreateIndex",
    "DescribeIndex",
    "LoadCollection",
    "GetLoadState",
    "Insert",
    "Delete",
    "Query",
    "Search",
    "Flush",
]

# Messages the backend serialises into `bytes` fields, so no RPC references them by type.
EXTRA_MESSAGES = [
    "milvus.proto.common.PlaceholderGroup",  # SearchRequest.placeholder_group
    "milvus.proto.schema.CollectionSchema",  # CreateCollectionRequest.schema
]


def all_files(root):
    """`root` and every file it imports, dependencies first."""
    ordered, seen = [], set()

    def visit(file):
        if file.name in seen:
            return
        seen.add(file.name)
        for dependency in file.dependencies:
            visit(dependency)
        ordered.append(file)

    visit(root)
    return ordered


def referenced_types(service):
    """Full names of the messages and enums the chosen methods need, transitively."""
    keep = set()
    pending = []
    for name in METHODS:
        method = service.methods_by_name[name]
        pending += [method.input_type, method.output_type]
    pool = milvus_pb2.DESCRIPTOR.pool
    pending += [pool.FindMessageTypeByName(name) for name in EXTRA_MESSAGES]
    while pending:
        message = pending.pop()
        if message.full_name in keep:
            continue
        keep.add(message.full_name)
        # A nested type only exists inside its parent, so the parent (and what it needs) stays too.
        if message.containing_type is not None:
            pending.append(message.containing_type)
        for field in message.fields:
            if field.message_type is not None:
                pending.append(field.message_type)
            if field.enum_type is not None:
                keep.add(field.enum_type.full_name)
                if field.enum_type.containing_type is not None:
                    pending.append(field.enum_type.containing_type)
    return keep


def prune_message(message, prefix, keep):
    """Keeps the nested types in `keep`; drops options (custom Milvus extensions) except map_entry."""
    full_name = f"{prefix}.{message.name}"
    nested = [n for n in message.nested_type if f"{full_name}.{n.name}" in keep]
    enums = [e for e in message.enum_type if f"{full_name}.{e.name}" in keep]
    del message.nested_type[:]
    del message.enum_type[:]
    for child in nested:
        prune_message(child, full_name, keep)
        message.nested_type.append(child)
    message.enum_type.extend(enums)
    del message.extension[:]
    is_map_entry = message.options.map_entry
    message.ClearField("options")
    if is_map_entry:
        message.options.map_entry = True
    for field in message.field:
        field.ClearField("options")


def type_files(proto):
    """The file of each type name a pruned file refers to, by the leading package of the name."""
    names = set()
    for message in walk_messages(proto.message_type):
        for field in message.field:
            if field.type_name:
                names.add(field.type_name.lstrip("."))
    for service in proto.service:
        for method in service.method:
            names.update([method.input_type.lstrip("."), method.output_type.lstrip(".")])
    return names


def walk_messages(messages):
    for message in messages:
        yield message
        yield from walk_messages(message.nested_type)


def pruned_set(keep):
    pool = milvus_pb2.DESCRIPTOR.pool
    protos = {}
    for file in all_files(milvus_pb2.DESCRIPTOR):
        proto = descriptor_pb2.FileDescriptorProto()
        file.CopyToProto(proto)
        messages = [m for m in proto.message_type if f"{proto.package}.{m.name}" in keep]
        enums = [e for e in proto.enum_type if f"{proto.package}.{e.name}" in keep]
        services = [s for s in proto.service if f"{proto.package}.{s.name}" == SERVICE]
        del proto.message_type[:], proto.enum_type[:], proto.service[:], proto.extension[:]
        for message in messages:
            prune_message(message, proto.package, keep)
        proto.message_type.extend(messages)
        proto.enum_type.extend(enums)
        for enum in proto.enum_type:
            enum.ClearField("options")
            for value in enum.value:
                value.ClearField("options")
        for service in services:
            methods = [m for m in service.method if m.name in METHODS]
            del service.method[:]
            for method in methods:
                method.ClearField("options")
            service.method.extend(methods)
            service.ClearField("options")
        proto.service.extend(services)
        proto.ClearField("options")
        if proto.message_type or proto.enum_type or proto.service:
            protos[proto.name] = proto
    # Each file now imports exactly the files that define the types it still refers to.
    for proto in protos.values():
        needed = {pool.FindFileContainingSymbol(name).name for name in type_files(proto)}
        needed.discard(proto.name)
        dependencies = [d for d in proto.dependency if d in needed]
        del proto.dependency[:]
        proto.ClearField("public_dependency")
        proto.ClearField("weak_dependency")
        proto.dependency.extend(dependencies)
    result = descriptor_pb2.FileDescriptorSet()
    result.file.extend(protos.values())
    return result


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    service = milvus_pb2.DESCRIPTOR.pool.FindServiceByName(SERVICE)
    descriptors = pruned_set(referenced_types(service))
    with open(sys.argv[1], "wb") as output:
        output.write(descriptors.SerializeToString())
    print(" ".join(file.name for file in descriptors.file))


if __name__ == "__main__":
    main()
