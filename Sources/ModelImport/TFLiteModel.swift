import Encoder
import Foundation

/// The parts of a TensorFlow Lite flatbuffer (schema v3) a CNN importer needs: operators in execution
/// order, their tensors, and constant tensors dequantized to float.
public struct TFLiteModel {
    public enum TensorType: Int {
        case float32 = 0, int32 = 2, uint8 = 3, int64 = 4, int8 = 9
    }

    public struct TensorInfo {
        public let name: String
        public let shape: [Int]
        public let type: Int
        public let buffer: Int
        public let scales: [Float]
        public let zeroPoints: [Int]
        public let quantizedDimension: Int
    }

    public struct Operator {
        /// BuiltinOperator code: 0 ADD, 1 AVERAGE_POOL_2D, 3 CONV_2D, 4 DEPTHWISE_CONV_2D, 22 RESHAPE, 25 SOFTMAX…
        public let code: Int
        public let inputs: [Int]
        public let outputs: [Int]
        /// Conv2D / DepthwiseConv2D options; nil for other operators.
        public let convolution: ConvolutionOptions?
    }

    public struct ConvolutionOptions {
        public let samePadding: Bool
        public let strideW: Int
        public let strideH: Int
        /// 0 none, 1 ReLU, 3 ReLU6.
        public let activation: Int
    }

    public static let conv2D = 3
    public static let depthwiseConv2D = 4
    public static let fullyConnected = 9
    public static let pad = 34

    public let tensors: [TensorInfo]
    public let operators: [Operator]
    public let inputs: [Int]
    private let buffers: [(start: Int, count: Int)]
    private let bytes: [UInt8]

    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
        guard bytes.count >= 8, String(decoding: bytes[4..<8], as: UTF8.self) == "TFL3" else {
            throw ModelError(.invalidCheckpoint, "not a TensorFlow Lite file (no TFL3 identifier)")
        }
        let model = try FlatBufferTable(root: bytes)
        let codes = try model.tables(1).map { max(try $0.int(0, size: 1), try $0.int(3)) }
        guard let graph = try model.tables(2).first else {
            throw ModelError(.invalidCheckpoint, "the model has no subgraph")
        }
        buffers = try model.tables(4).map { try $0.vector(0, elementSize: 1) }
        tensors = try graph.tables(0).map(Self.tensorInfo)
        inputs = try graph.int32s(1)
        operators = try graph.tables(3).map { op in
            let index = try op.int(0)
            guard codes.indices.contains(index) else { throw ModelError(.invalidCheckpoint, "operator code \(index) is undefined") }
            let code = codes[index]
            return Operator(
                code: code, inputs: try op.int32s(1), outputs: try op.int32s(2),
                convolution: try Self.convolutionOptions(op, code: code))
        }
    }

    private static func tensorInfo(_ table: FlatBufferTable) throws -> TensorInfo {
        let quantization = try table.table(4)
        return TensorInfo(
            name: try table.string(3), shape: try table.int32s(0), type: try table.int(1, size: 1),
            buffer: try table.int(2), scales: try quantization?.floats(2) ?? [],
            zeroPoints: try quantization?.int64s(3) ?? [], quantizedDimension: try quantization?.int(6) ?? 0)
    }

    private static func convolutionOptions(_ op: FlatBufferTable, code: Int) throws -> ConvolutionOptions? {
        guard code == conv2D || code == depthwiseConv2D, let options = try op.table(4) else { return nil }
        let activationField = code == conv2D ? 3 : 4
        return ConvolutionOptions(
            samePadding: try options.int(0, size: 1) == 0, strideW: try options.int(1), strideH: try options.int(2),
            activation: try options.int(activationField, size: 1))
    }

    /// A constant tensor as float: quantized values become scale × (q − zero point), per channel along
    /// the tensor's quantized dimension when there are several scales.
    public func constant(_ index: Int) throws -> Tensor {
        guard tensors.indices.contains(index) else { throw ModelError(.invalidCheckpoint, "tensor \(index) does not exist") }
        let info = tensors[index]
        guard buffers.indices.contains(info.buffer), buffers[info.buffer].count > 0 else {
            throw ModelError(.invalidCheckpoint, "tensor '\(info.name)' has no constant data")
        }
        let (start, byteCount) = buffers[info.buffer]
        let count = info.shape.reduce(1, *)
        let raw = try rawValues(info, start: start, byteCount: byteCount, count: count)
        guard !info.scales.isEmpty, info.type != TensorType.float32.rawValue else {
            return Tensor(shape: info.shape, values: raw.map(Float.init))
        }
        let inner = info.shape[(info.quantizedDimension + 1)...].reduce(1, *)
        let channels = info.shape.isEmpty ? 1 : info.shape[info.quantizedDimension]
        let values = raw.indices.map { element in
            let channel = info.scales.count > 1 ? element / inner % channels : 0
            let zeroPoint = info.zeroPoints.isEmpty ? 0 : Double(info.zeroPoints[min(channel, info.zeroPoints.count - 1)])
            return Float(Double(info.scales[channel]) * (raw[element] - zeroPoint))
        }
        return Tensor(shape: info.shape, values: values)
    }

    private func rawValues(_ info: TensorInfo, start: Int, byteCount: Int, count: Int) throws -> [Double] {
        let elementSize: Int
        switch TensorType(rawValue: info.type) {
        case .float32, .int32: elementSize = 4
        case .uint8, .int8: elementSize = 1
        case .int64: elementSize = 8
        case nil: throw ModelError(.invalidCheckpoint, "tensor '\(info.name)' has unsupported type \(info.type)")
        }
        guard byteCount == count * elementSize else {
            throw ModelError(.invalidCheckpoint, "tensor '\(info.name)' holds \(byteCount) bytes for \(count) elements")
        }
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { element in
                let offset = start + element * elementSize
                switch TensorType(rawValue: info.type)! {
                case .float32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Float.self))
                case .int32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                case .int64: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
                case .uint8: return Double(raw[offset])
                case .int8: return Double(Int8(bitPattern: raw[offset]))
                }
            }
        }
    }
}
