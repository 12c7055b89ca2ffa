import Encoder

/// Read-only access to one table of a FlatBuffers file, with every offset bounds-checked so that a
/// damaged file is an error rather than a crash.
struct FlatBufferTable {
    let bytes: [UInt8]
    let position: Int

    /// The root table of `bytes`.
    init(root bytes: [UInt8]) throws {
        guard bytes.count >= 8 else { throw Self.corrupt("root offset") }
        try self.init(bytes: bytes, position: (0..<4).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) })
    }

    private init(bytes: [UInt8], position: Int) throws {
        guard position >= 0, position + 4 <= bytes.count else { throw Self.corrupt("table offset \(position)") }
        self.bytes = bytes
        self.position = position
    }

    /// Absolute position of field `index`, or nil when the field is absent (its default applies).
    private func fieldPosition(_ index: Int) throws -> Int? {
        let vtable = position - Int(Int32(bitPattern: try readUInt32(at: position)))
        guard vtable >= 0, vtable + 4 <= bytes.count else { throw Self.corrupt("vtable at \(vtable)") }
        let vtableSize = Int(try readUInt16(at: vtable))
        let entry = 4 + 2 * index
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(try readUInt16(at: vtable + entry))
        return offset == 0 ? nil : position + offset
    }

    func int(_ index: Int, default value: Int = 0, size: Int = 4) throws -> Int {
        guard let at = try fieldPosition(index) else { return value }
        switch size {
        case 1: return Int(Int8(bitPattern: try byte(at: at)))
        case 2: return Int(Int16(bitPattern: try readUInt16(at: at)))
        default: return Int(Int32(bitPattern: try readUInt32(at: at)))
        }
    }

    func table(_ index: Int) throws -> FlatBufferTable? {
        guard let at = try fieldPosition(index) else { return nil }
        return try FlatBufferTable(bytes: bytes, position: at + Int(try readUInt32(at: at)))
    }

    /// Start and element count of the vector in field `index` (count 0 when absent).
    func vector(_ index: Int, elementSize: Int) throws -> (start: Int, count: Int) {
        guard let at = try fieldPosition(index) else { return (0, 0) }
        let vector = at + Int(try readUInt32(at: at))
        let count = Int(try readUInt32(at: vector))
        guard vector + 4 + count * elementSize <= bytes.count else { throw Self.corrupt("vector at \(vector) of \(count) elements") }
        return (vector + 4, count)
    }

    func tables(_ index: Int) throws -> [FlatBufferTable] {
        let (start, count) = try vector(index, elementSize: 4)
        return try (0..<count).map { element in
            let at = start + 4 * element
            return try FlatBufferTable(bytes: bytes, position: at + Int(try readUInt32(at: at)))
        }
    }

    func int32s(_ index: Int) throws -> [Int] {
        let (start, count) = try vector(index, elementSize: 4)
        return try (0..<count).map { Int(Int32(bitPattern: try readUInt32(at: start + 4 * $0))) }
    }

    func int64s(_ index: Int) throws -> [Int] {
        let (start, count) = try vector(index, elementSize: 8)
        return try (0..<count).map {
            Int(try readUInt32(at: start + 8 * $0)) | Int(Int32(bitPattern: try readUInt32(at: start + 8 * $0 + 4))) << 32
        }
    }

    func floats(_ index: Int) throws -> [Float] {
        let (start, count) = try vector(index, elementSize: 4)
        return try (0..<count).map { Float(bitPattern: try readUInt32(at: start + 4 * $0)) }
    }

    func string(_ index: Int) throws -> String {
        let (start, count) = try vector(index, elementSize: 1)
        return String(decoding: bytes[start..<start + count], as: UTF8.self)
    }

    private func byte(at offset: Int) throws -> UInt8 {
        guard offset >= 0, offset < bytes.count else { throw Self.corrupt("read at \(offset)") }
        return bytes[offset]
    }

    private func readUInt16(at offset: Int) throws -> UInt16 {
        UInt16(try byte(at: offset)) | UInt16(try byte(at: offset + 1)) << 8
    }

    private func readUInt32(at offset: Int) throws -> UInt32 {
        UInt32(try readUInt16(at: offset)) | UInt32(try readUInt16(at: offset + 2)) << 16
    }

    private static func corrupt(_ what: String) -> ModelError {
        ModelError(.invalidCheckpoint, "damaged FlatBuffers data (\(what) is out of range)")
    }
}
