/// The Python objects a PyTorch checkpoint's pickle can build, as far as this reader needs them.
///
/// Anything else a `REDUCE` produces stays an opaque `.object`, so unknown parts of a checkpoint are
/// carried along without being understood (and without running any code, unlike `pickle.load`).
indirect enum PickleValue: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list([PickleValue])
    case dict([(key: PickleValue, value: PickleValue)])
    /// A `GLOBAL` reference such as `torch._utils._rebuild_tensor_v2`.
    case global(module: String, name: String)
    /// A persistent id (`BINPERSID`): in PyTorch checkpoints, a reference to a storage.
    case persistent(PickleValue)
    /// The result of calling `callable(*arguments)`.
    case object(callable: PickleValue, arguments: PickleValue)

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    var elements: [PickleValue]? {
        switch self {
        case .tuple(let items), .list(let items): return items
        default: return nil
        }
    }
}
