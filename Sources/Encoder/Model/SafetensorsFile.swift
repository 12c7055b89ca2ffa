import Foundation

/// Reads and writes the `safetensors` format: an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw little-endian data.
///
/// Only `F32` tensors are used by this project; anything else is reported, not guessed at.
public enum SafetensorsFile {
    /// Parses `data` (the whole file) into named tensors. `path` only appears in error messages.
    public static func decode(_ data: Data, path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let (header, dataStart) = try readHeader(data, path: path)
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in header {
            if name == "__metadata__" {
                metadata = entry as? [String: String] ?? [:]
                continue
            }
            tensors[name] = try readTensor(name, entry, data: data, dataStart: dataStart, path: path)
        }
        return (tensors, metadata)
    }

    /// Serialises tensors (written in the order given) and string metadata.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) throws -> Data {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for (name, tensor) in tensors {
            let byteCount = tensor.count * MemoryLayout<Float>.size
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + byteCount]]
            offset += byteCount
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var file = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        for (_, tensor) in tensors {
            tensor.values.withUnsafeBytes { file.append(contentsOf: $0) }
        }
        return file
    }

    private static func readHeader(_ data: Data, path: String) throws -> ([String: Any], Int) {
        guard data.count >= 8 else {
            throw ModelError(.weightsCorrupt, "\(path): file is \(data.count) bytes, too short for a safetensors header")
        }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw ModelError(.weightsCorrupt, "\(path): header claims \(headerLength) bytes but the file has \(data.count); the file is truncated or not safetensors")
        }
        let headerData = data.subdata(in: data.startIndex + 8..<data.startIndex + 8 + Int(headerLength))
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw ModelError(.weightsCorrupt, "\(path): the safetensors header is not a JSON object")
        }
        return (header, 8 + Int(headerLength))
    }

    private static func readTensor(_ name: String, _ entry: Any, data: Data, dataStart: Int, path: String) throws -> Tensor {
        guard let entry = entry as? [String: Any], let dtype = entry["dtype"] as? String,
              let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
        else {
            throw ModelError(.weightsCorrupt, "\(path): tensor '\(name)' has a malformed header entry")
        }
        guard dtype == "F32" else {
            throw ModelError(.tensorMismatch, "\(path): tensor '\(name)' is \(dtype); only F32 is supported")
        }
        let count = shape.reduce(1, *)
        let begin = dataStart + offsets[0], end = dataStart + offsets[1]
        guard offsets[0] >= 0, end - begin == count * 4, end <= data.count else {
            throw ModelError(.weightsCorrupt, "\(path): tensor '\(name)' needs bytes \(begin)..<\(end) but the file has \(data.count); the file is truncated")
        }
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = data.copyBytes(to: UnsafeMutableRawBufferPointer(buffer), from: data.startIndex + begin..<data.startIndex + end)
            initialized = count
        }
        return Tensor(shape: shape, values: values)
    }
}
