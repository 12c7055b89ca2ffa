import SearchBackend

/// The first 64 bytes of `index.snapshot`, little-endian:
///
///     0  magic "ISNAPSHT"       24 sequence   Int64    48 entryPoint Int64 (−1: none)
///     8  version UInt32 (1)     32 rowCount   Int64    56 zero (reserved)
///     12 kind   UInt32          40 maxLinks   UInt32 (HNSW M, 0 for FLAT)
///     16 metric UInt32          44 maxLevel   UInt32
///     20 dimension UInt32
struct SnapshotHeader: Equatable {
    static let byteCount = 64
    static let magic = Array("ISNAPSHT".utf8)
    static let version: UInt32 = 1

    var kind: IndexSpec.Kind
    var metric: Metric
    var dimension: Int
    var sequence: Int64
    var rowCount: Int
    var maxLinks: Int
    var maxLevel: Int
    var entryPoint: Int

    init(_ snapshot: IndexSnapshot) {
        kind = snapshot.kind
        metric = snapshot.metric
        dimension = snapshot.dimension
        sequence = snapshot.sequence
        rowCount = snapshot.vectors.count
        maxLinks = snapshot.graph?.maxLinks ?? 0
        maxLevel = snapshot.graph?.maxLevel ?? 0
        entryPoint = snapshot.graph?.entryPoint ?? -1
    }

    /// Throws when the bytes are not a header this version wrote.
    init(decoding bytes: [UInt8], path: String) throws {
        func field<T: FixedWidthInteger>(_ offset: Int, _ type: T.Type) -> T {
            bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        }
        guard bytes.count == Self.byteCount, Array(bytes[0..<8]) == Self.magic else {
            throw BackendError(.storageFailure, "\(path) is not an index snapshot")
        }
        guard field(8, UInt32.self) == Self.version,
              let kind = Self.kinds.first(where: { $0.code == field(12, UInt32.self) })?.kind,
              let metric = Self.metrics.first(where: { $0.code == field(16, UInt32.self) })?.metric
        else {
            throw BackendError(.storageFailure, "\(path) was written by another version of the embedded backend")
        }
        self.kind = kind
        self.metric = metric
        dimension = Int(field(20, UInt32.self))
        sequence = field(24, Int64.self)
        rowCount = Int(field(32, Int64.self))
        maxLinks = Int(field(40, UInt32.self))
        maxLevel = Int(field(44, UInt32.self))
        entryPoint = Int(field(48, Int64.self))
    }

    func encoded() -> [UInt8] {
        var bytes = Self.magic
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
        }
        append(Self.version)
        append(Self.kinds.first { $0.kind == kind }!.code)
        append(Self.metrics.first { $0.metric == metric }!.code)
        append(UInt32(dimension))
        append(sequence)
        append(Int64(rowCount))
        append(UInt32(maxLinks))
        append(UInt32(maxLevel))
        append(Int64(entryPoint))
        append(UInt64(0))
        return bytes
    }

    /// Fixed codes, so that renaming or reordering the Swift enums cannot change the format.
    private static let kinds: [(kind: IndexSpec.Kind, code: UInt32)] = [(.flat, 0), (.hnsw, 1)]
    private static let metrics: [(metric: Metric, code: UInt32)] = [(.l2, 0), (.innerProduct, 1), (.cosine, 2)]
}
