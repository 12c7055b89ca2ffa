import Foundation
import SearchBackend

#if _endian(big)
#error("vectors are stored in memory order, which is the little-endian format only on little-endian machines")
#endif

/// Writes an `IndexSnapshot` to `index.snapshot`, atomically: to `index.snapshot.partial` first,
/// fsynced, renamed over the old snapshot, and the directory fsynced, so a crash at any point leaves
/// either the old snapshot or the new one, never half of one.
///
/// Layout after the `SnapshotHeader`, every number little-endian, rows in row order:
/// ids (Int64 each), squared norms (Float32 each), vectors (dimension × Float32 each); for HNSW then
/// top levels (1 byte each), deleted flags (1 byte each, 0 or 1), level-0 links (2M+1 UInt32 each:
/// count, then neighbours), and the upper-level links of each node with a top level above 0 (M+1
/// UInt32 per level, same layout); finally the `SnapshotChecksum` of all bytes before it (UInt64).
final class SnapshotWriter {
    /// Small pieces (headers, per-node links) are gathered up to this size before a `write`.
    private static let bufferLimit = 1 << 20

    private let path: String
    private let descriptor: Int32
    private var checksum = SnapshotChecksum()
    private var buffer: [UInt8] = []

    static func write(_ snapshot: IndexSnapshot, to url: URL) throws {
        let temporary = url.path + ".partial"
        do {
            let writer = try SnapshotWriter(path: temporary)
            try writer.writeContents(of: snapshot)
            try writer.finish()
            guard rename(temporary, url.path) == 0 else { throw DurableFiles.failure("renaming snapshot to", url.path) }
            try DurableFiles.syncDirectory(url.deletingLastPathComponent())
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw DurableFiles.failure("creating snapshot", path) }
    }

    deinit { close(descriptor) }

    private func writeContents(of snapshot: IndexSnapshot) throws {
        try append(SnapshotHeader(snapshot).encoded())
        let vectors = snapshot.vectors
        for (index, chunk) in vectors.chunks.enumerated() {
            try append(UnsafeRawBufferPointer(start: chunk.ids, count: vectors.rowCount(inChunk: index) * 8))
        }
        for (index, chunk) in vectors.chunks.enumerated() {
            try append(UnsafeRawBufferPointer(start: chunk.squaredNorms, count: vectors.rowCount(inChunk: index) * 4))
        }
        for (index, chunk) in vectors.chunks.enumerated() {
            try append(UnsafeRawBufferPointer(start: chunk.vectors, count: vectors.rowCount(inChunk: index) * vectors.dimension * 4))
        }
        if let graph = snapshot.graph { try writeGraph(graph) }
    }

    private func writeGraph(_ graph: HNSWGraph) throws {
        try append(graph.topLevels)
        try append(graph.deleted.map { $0 ? 1 : 0 } as [UInt8])
        try append(graph.baseLinks)
        for links in graph.upperLinks where !links.isEmpty { try append(links) }
    }

    /// Writes the checksum, flushes and fsyncs.
    private func finish() throws {
        var trailer = checksum.value().littleEndian
        buffer += withUnsafeBytes(of: &trailer) { Array($0) }
        try flush()
        guard fsync(descriptor) == 0 else { throw DurableFiles.failure("syncing snapshot", path) }
    }

    private func append<Element>(_ array: [Element]) throws {
        try array.withUnsafeBytes { try append($0) }
    }

    private func append(_ bytes: UnsafeRawBufferPointer) throws {
        checksum.update(bytes)
        if bytes.count >= Self.bufferLimit {
            try flush()
            try writeAll(bytes)
        } else {
            buffer += bytes
            if buffer.count >= Self.bufferLimit { try flush() }
        }
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw DurableFiles.failure("writing snapshot", path) }
            offset += written
        }
    }
}
