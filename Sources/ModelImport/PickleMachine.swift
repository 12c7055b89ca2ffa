import Encoder

/// A pickle interpreter for the opcodes PyTorch's legacy (non-zip) checkpoints use, protocol 2.
///
/// It builds values, never calls anything: `GLOBAL` + `REDUCE` become `.object` descriptions that the
/// checkpoint reader interprets (an `OrderedDict()` becomes a dict, tensors become references).
struct PickleMachine {
    private var bytes: [UInt8]
    private(set) var position: Int
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    init(bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Reads one pickle starting at `position` and leaves `position` just after its STOP.
    mutating func load() throws -> PickleValue {
        stack = []
        marks = []
        memo = [:]
        while true {
            let opcode = try readByte()
            if opcode == 0x2E {  // STOP
                guard let result = stack.popLast() else { throw failure("STOP with an empty stack") }
                return result
            }
            try execute(opcode)
        }
    }

    private mutating func execute(_ opcode: UInt8) throws {
        switch opcode {
        case 0x80: _ = try readByte()  // PROTO
        case 0x28: marks.append(stack.count)  // MARK
        case 0x4E: stack.append(.none)  // NONE
        case 0x88: stack.append(.bool(true))  // NEWTRUE
        case 0x89: stack.append(.bool(false))  // NEWFALSE
        case 0x4B: stack.append(.int(Int(try readByte())))  // BININT1
        case 0x4D: stack.append(.int(Int(try readUnsigned(2))))  // BININT2
        case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try readUnsigned(4)))))  // BININT
        case 0x8A: stack.append(try readLong(Int(try readByte())))  // LONG1
        case 0x47: stack.append(.float(Double(bitPattern: UInt64(bigEndian: try readUnsigned(8)))))  // BINFLOAT
        case 0x58: stack.append(.string(try readString(Int(try readUnsigned(4)))))  // BINUNICODE
        case 0x8C: stack.append(.string(try readString(Int(try readByte()))))  // SHORT_BINUNICODE
        case 0x55: stack.append(.string(try readString(Int(try readByte()))))  // SHORT_BINSTRING
        case 0x54: stack.append(.string(try readString(Int(try readUnsigned(4)))))  // BINSTRING
        case 0x43: stack.append(.bytes(try readBytes(Int(try readByte()))))  // SHORT_BINBYTES
        case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
        case 0x5D: stack.append(.list([]))  // EMPTY_LIST
        case 0x7D: stack.append(.dict([]))  // EMPTY_DICT
        case 0x85, 0x86, 0x87: stack.append(.tuple(try pop(Int(opcode - 0x84))))  // TUPLE1..3
        case 0x74: stack.append(.tuple(try popToMark()))  // TUPLE
        case 0x6C: stack.append(.list(try popToMark()))  // LIST
        case 0x61: try append(try pop(1))  // APPEND
        case 0x65: try append(try popToMark())  // APPENDS
        case 0x73: try setItems(try pop(2))  // SETITEM
        case 0x75: try setItems(try popToMark())  // SETITEMS
        case 0x71: memo[Int(try readByte())] = try top()  // BINPUT
        case 0x72: memo[Int(try readUnsigned(4))] = try top()  // LONG_BINPUT
        case 0x68: stack.append(try recall(Int(try readByte())))  // BINGET
        case 0x6A: stack.append(try recall(Int(try readUnsigned(4))))  // LONG_BINGET
        case 0x63: stack.append(.global(module: try readLine(), name: try readLine()))  // GLOBAL
        case 0x51: stack.append(.persistent(try pop(1)[0]))  // BINPERSID
        case 0x52: try reduce()  // REDUCE
        case 0x62: _ = try pop(1)  // BUILD: object state (OrderedDict metadata) is not needed
        default: throw failure(String(format: "unsupported pickle opcode 0x%02X", opcode))
        }
    }

    private mutating func reduce() throws {
        let popped = try pop(2)
        let (callable, arguments) = (popped[0], popped[1])
        if case .global("collections", "OrderedDict") = callable {
            stack.append(.dict([]))
        } else {
            stack.append(.object(callable: callable, arguments: arguments))
        }
    }

    private mutating func append(_ items: [PickleValue]) throws {
        guard case .list(let list) = stack.popLast() else { throw failure("APPEND to something that is not a list") }
        stack.append(.list(list + items))
    }

    private mutating func setItems(_ items: [PickleValue]) throws {
        guard items.count % 2 == 0, case .dict(var dict) = stack.popLast() else {
            throw failure("SETITEMS on something that is not a dict")
        }
        for index in stride(from: 0, to: items.count, by: 2) {
            dict.append((items[index], items[index + 1]))
        }
        stack.append(.dict(dict))
    }

    private func top() throws -> PickleValue {
        guard let value = stack.last else { throw failure("memo store with an empty stack") }
        return value
    }

    private func recall(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw failure("memo entry \(index) is missing") }
        return value
    }

    private mutating func pop(_ count: Int) throws -> [PickleValue] {
        guard stack.count >= count else { throw failure("stack underflow") }
        defer { stack.removeLast(count) }
        return Array(stack.suffix(count))
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw failure("no MARK on the stack") }
        defer { stack.removeLast(stack.count - mark) }
        return Array(stack[mark...])
    }

    private mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw failure("the pickle ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func readBytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, position + count <= bytes.count else { throw failure("the pickle ends early") }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    private mutating func readUnsigned(_ count: Int) throws -> UInt64 {
        try readBytes(count).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// A little-endian two's-complement integer; wider than 64 bits (PyTorch's magic number) it stays bytes.
    private mutating func readLong(_ count: Int) throws -> PickleValue {
        let raw = try readBytes(count)
        guard count <= 8 else { return .bytes(raw) }
        var value = raw.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        if count > 0, count < 8, raw[count - 1] & 0x80 != 0 { value |= ~0 << (8 * UInt64(count)) }
        return .int(Int(truncatingIfNeeded: value))
    }

    private mutating func readString(_ count: Int) throws -> String {
        String(decoding: try readBytes(count), as: UTF8.self)
    }

    private mutating func readLine() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw failure("unterminated GLOBAL") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    private func failure(_ reason: String) -> ModelError {
        ModelError(.invalidCheckpoint, "pickle at byte \(position): \(reason)")
    }
}
