import Encoder
import Foundation

/// Reads a PyTorch checkpoint in the legacy (pre-1.6, non-zip) serialisation without PyTorch: five
/// pickles (magic number, protocol version, system info, the state dict, the storage keys) followed by
/// each storage's raw data, in key order, as an 8-byte element count and little-endian elements.
public enum PyTorchCheckpoint {
    private static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// A tensor in the state dict: a strided view into a storage.
    private struct TensorReference {
        let storageKey: String
        let storageType: String
        let offset: Int
        let shape: [Int]
        let strides: [Int]
    }

    /// Every floating-point tensor of the state dict, by its key (e.g. `_blocks.0._bn1.running_var`).
    public static func read(contentsOf path: String) throws -> [String: Tensor] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError(.invalidCheckpoint, "\(path): cannot read the file")
        }
        do {
            return try read([UInt8](data))
        } catch let error as ModelError {
            throw ModelError(error.code, "\(path): \(error.message)")
        }
    }

    public static func read(_ bytes: [UInt8]) throws -> [String: Tensor] {
        var machine = PickleMachine(bytes: bytes)
        guard case .bytes(let magicNumber) = try machine.load(), magicNumber == magic else {
            throw ModelError(.invalidCheckpoint, "not a legacy PyTorch checkpoint (magic number missing; zip checkpoints are not supported)")
        }
        _ = try machine.load()  // protocol version
        _ = try machine.load()  // system info
        guard case .dict(let stateDict) = try machine.load() else {
            throw ModelError(.invalidCheckpoint, "the checkpoint's root object is not a state dict")
        }
        guard let keys = try machine.load().elements?.compactMap(\.stringValue) else {
            throw ModelError(.invalidCheckpoint, "the storage key list is missing")
        }
        let references = stateDict.compactMap { key, value in
            key.stringValue.flatMap { name in tensorReference(value).map { (name, $0) } }
        }
        let storageTypes = Dictionary(references.map { ($1.storageKey, $1.storageType) }) { first, _ in first }
        let storages = try locateStorages(keys: keys, types: storageTypes, bytes: bytes, start: machine.position)
        var tensors: [String: Tensor] = [:]
        for (name, reference) in references where reference.storageType == "FloatStorage" {
            guard let storage = storages[reference.storageKey] else { continue }
            tensors[name] = try materialise(reference, storage: storage, bytes: bytes)
        }
        return tensors
    }

    private static let elementSizes: [String: Int] = [
        "FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "BFloat16Storage": 2, "LongStorage": 8,
        "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1, "BoolStorage": 1,
    ]

    /// Byte offset and element count of each storage, walking the data section in key order.
    private static func locateStorages(
        keys: [String], types: [String: String], bytes: [UInt8], start: Int
    ) throws -> [String: (offset: Int, count: Int)] {
        var storages: [String: (offset: Int, count: Int)] = [:]
        var position = start
        for key in keys {
            guard let type = types[key], let elementSize = elementSizes[type] else {
                throw ModelError(.invalidCheckpoint, "storage \(key) has an unknown type \(types[key] ?? "(unreferenced)")")
            }
            guard position + 8 <= bytes.count else { throw ModelError(.invalidCheckpoint, "storage \(key) is cut off; the file is truncated") }
            let count = (0..<8).reduce(0) { $0 | Int(bytes[position + $1]) << (8 * $1) }
            guard count >= 0, count <= bytes.count else { throw ModelError(.invalidCheckpoint, "storage \(key) claims \(count) elements") }
            position += 8
            storages[key] = (position, count)
            position += count * elementSize
        }
        guard position <= bytes.count else {
            throw ModelError(.invalidCheckpoint, "the file ends \(position - bytes.count) bytes before its last storage does; it is truncated")
        }
        return storages
    }

    /// Interprets `_rebuild_tensor_v2(storage, offset, size, stride, ...)`; nil for other values.
    private static func tensorReference(_ value: PickleValue) -> TensorReference? {
        guard case .object(.global("torch._utils", "_rebuild_tensor_v2"), let arguments) = value,
              let fields = arguments.elements, fields.count >= 4,
              case .persistent(let persistentID) = fields[0], let storage = persistentID.elements, storage.count >= 5,
              case .global(_, let storageType) = storage[1], let key = storage[2].stringValue,
              let offset = fields[1].intValue,
              let shape = fields[2].elements?.compactMap(\.intValue),
              let strides = fields[3].elements?.compactMap(\.intValue), shape.count == strides.count
        else {
            return nil
        }
        return TensorReference(storageKey: key, storageType: storageType, offset: offset, shape: shape, strides: strides)
    }

    /// Copies a strided view into a contiguous row-major tensor.
    private static func materialise(_ reference: TensorReference, storage: (offset: Int, count: Int), bytes: [UInt8]) throws -> Tensor {
        let count = reference.shape.reduce(1, *)
        let lastElement = reference.offset + zip(reference.shape, reference.strides).reduce(0) { $0 + max($1.0 - 1, 0) * $1.1 }
        guard count == 0 || lastElement < storage.count else {
            throw ModelError(.invalidCheckpoint, "tensor view reaches past its storage \(reference.storageKey)")
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                var remainder = index, element = reference.offset
                for dimension in reference.shape.indices.reversed() {
                    element += remainder % reference.shape[dimension] * reference.strides[dimension]
                    remainder /= reference.shape[dimension]
                }
                values[index] = raw.loadUnaligned(fromByteOffset: storage.offset + element * 4, as: Float.self)
            }
        }
        return Tensor(shape: reference.shape, values: values)
    }
}
