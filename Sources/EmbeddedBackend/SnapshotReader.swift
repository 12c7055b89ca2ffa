import Foundation
import SearchBackend

/// Reads `index.snapshot` (layout in `SnapshotWriter`) straight into the chunks of a new index, one
/// `read` per chunk and section, and refuses anything it cannot trust: a missing or truncated file, a
/// wrong checksum, a header written for another index (kind, metric, dimension or M), or a graph
/// whose counts or node numbers are out of range.
final class SnapshotReader {
    /// What the caller will build from the snapshot; anything else is refused.
    struct Expectation {
        var kind: IndexSpec.Kind
        var metric: Metric
        var dimension: Int
        /// HNSW's M; ignored for FLAT.
        var maxLinks: Int
    }

    private let path: String
    private let descriptor: Int32
    private let fileSize: Int
    private var offset = 0
    private var checksum = SnapshotChecksum()

    static func read(from url: URL, expecting expectation: Expectation) throws -> IndexSnapshot {
        let reader = try SnapshotReader(path: url.path)
        return try reader.readSnapshot(expecting: expectation)
    }

    private init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DurableFiles.failure("opening snapshot", path) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let failure = DurableFiles.failure("reading snapshot", path)
            close(descriptor)
            throw failure
        }
        fileSize = Int(status.st_size)
    }

    deinit { close(descriptor) }

    private func readSnapshot(expecting expectation: Expectation) throws -> IndexSnapshot {
        let header = try readHeader(expecting: expectation)
        let rows = header.rowCount
        // Every row takes at least its id, norm and vector: a header claiming more rows than the file
        // holds is refused before anything is allocated.
        guard rows >= 0, rows <= fileSize / (12 + header.dimension * 4) else { throw damaged("row count \(rows) does not fit the file") }
        let vectors = try readVectors(rowCount: rows, dimension: header.dimension, keepsHalves: header.kind == .flat && FlatIndex.scansHalves)
        let graph = header.kind == .hnsw ? try readGraph(header) : nil
        var trailer: UInt64 = 0
        let expected = checksum.value()
        try withUnsafeMutableBytes(of: &trailer) { try readExactly(into: $0, checksummed: false) }
        guard UInt64(littleEndian: trailer) == expected else { throw damaged("checksum mismatch") }
        guard offset == fileSize else { throw damaged("unexpected bytes after the checksum") }
        return IndexSnapshot(kind: header.kind, metric: header.metric, sequence: header.sequence, vectors: vectors, graph: graph)
    }

    private func readHeader(expecting expectation: Expectation) throws -> SnapshotHeader {
        let header = try SnapshotHeader(decoding: readArray(of: UInt8.self, count: SnapshotHeader.byteCount), path: path)
        guard header.kind == expectation.kind, header.metric == expectation.metric, header.dimension == expectation.dimension else {
            throw BackendError(.storageFailure, "\(path) holds a \(header.kind.rawValue)/\(header.metric.rawValue) index of \(header.dimension)-d vectors, not \(expectation.kind.rawValue)/\(expectation.metric.rawValue) of \(expectation.dimension)-d")
        }
        guard header.kind != .hnsw || header.maxLinks == expectation.maxLinks else {
            throw BackendError(.storageFailure, "\(path) holds an HNSW graph with M=\(header.maxLinks), not M=\(expectation.maxLinks)")
        }
        return header
    }

    private func readVectors(rowCount: Int, dimension: Int, keepsHalves: Bool) throws -> VectorStorage {
        let vectors = VectorStorage(dimension: dimension, uninitializedCount: rowCount, keepsHalves: keepsHalves)
        for (index, chunk) in vectors.chunks.enumerated() {
            try readExactly(into: UnsafeMutableRawBufferPointer(start: chunk.ids, count: vectors.rowCount(inChunk: index) * 8))
        }
        for (index, chunk) in vectors.chunks.enumerated() {
            try readExactly(into: UnsafeMutableRawBufferPointer(start: chunk.squaredNorms, count: vectors.rowCount(inChunk: index) * 4))
        }
        for (index, chunk) in vectors.chunks.enumerated() {
            try readExactly(into: UnsafeMutableRawBufferPointer(start: chunk.vectors, count: vectors.rowCount(inChunk: index) * dimension * 4))
        }
        vectors.writeHalves()
        return vectors
    }

    private func readGraph(_ header: SnapshotHeader) throws -> HNSWGraph {
        let rows = header.rowCount, maxLinks = header.maxLinks
        let baseSlots = rows * (2 * maxLinks + 1)
        guard fileSize - offset >= rows * 2 + baseSlots * 4 + 8 else { throw damaged("graph section truncated") }
        let topLevels = try readArray(of: UInt8.self, count: rows)
        let deletedFlags = try readArray(of: UInt8.self, count: rows)
        guard deletedFlags.allSatisfy({ $0 <= 1 }) else { throw damaged("bad deleted flag") }
        let baseLinks = try readArray(of: UInt32.self, count: baseSlots)
        let upperSlots = topLevels.reduce(0) { $0 + Int($1) } * (maxLinks + 1)
        guard fileSize - offset == upperSlots * 4 + 8 else { throw damaged("upper levels do not match the file size") }
        let upperFlat = try readArray(of: UInt32.self, count: upperSlots)
        var upperLinks: [[UInt32]] = []
        upperLinks.reserveCapacity(rows)
        var start = 0
        for level in topLevels {
            let slots = Int(level) * (maxLinks + 1)
            upperLinks.append(level == 0 ? [] : Array(upperFlat[start..<(start + slots)]))
            start += slots
        }
        let graph = HNSWGraph(
            maxLinks: maxLinks, topLevels: topLevels, deleted: deletedFlags.map { $0 == 1 },
            baseLinks: baseLinks, upperLinks: upperLinks, entryPoint: header.entryPoint, maxLevel: header.maxLevel)
        try checkLinks(of: graph)
        return graph
    }

    /// Every link count within its level's maximum and every node number in range, so that a
    /// damaged graph can never send a search out of bounds.
    private func checkLinks(of graph: HNSWGraph) throws {
        let nodes = graph.nodeCount
        guard nodes == 0 ? graph.entryPoint == -1 : (0..<nodes).contains(graph.entryPoint) && Int(graph.topLevels[graph.entryPoint]) == graph.maxLevel else {
            throw damaged("bad entry point")
        }
        try check(graph.baseLinks, stride: graph.maxBaseLinks + 1, nodeCount: nodes)
        for (node, links) in graph.upperLinks.enumerated() {
            guard Int(graph.topLevels[node]) <= graph.maxLevel else { throw damaged("node above the top level") }
            try check(links, stride: graph.maxLinks + 1, nodeCount: nodes)
        }
    }

    private func check(_ slots: [UInt32], stride: Int, nodeCount: Int) throws {
        for start in Swift.stride(from: 0, to: slots.count, by: stride) {
            let count = Int(slots[start])
            guard count < stride, slots[(start + 1)..<(start + 1 + count)].allSatisfy({ Int($0) < nodeCount }) else {
                throw damaged("link out of range")
            }
        }
    }

    private func readArray<Element>(of type: Element.Type, count: Int) throws -> [Element] {
        try [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            try readExactly(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    private func readExactly(into bytes: UnsafeMutableRawBufferPointer, checksummed: Bool = true) throws {
        var filled = 0
        while filled < bytes.count {
            let count = Foundation.read(descriptor, bytes.baseAddress! + filled, bytes.count - filled)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw DurableFiles.failure("reading snapshot", path) }
            guard count > 0 else { throw damaged("file ends early") }
            filled += count
        }
        offset += filled
        if checksummed { checksum.update(UnsafeRawBufferPointer(bytes)) }
    }

    private func damaged(_ reason: String) -> BackendError {
        BackendError(.storageFailure, "\(path) is damaged (\(reason))")
    }
}
