import Synchronization

/// One slot per input, filled from several threads; each slot is written exactly once.
final class ResultSlots<Value: Sendable>: Sendable {
    private let slots: Mutex<[Value?]>

    init(count: Int) {
        slots = Mutex([Value?](repeating: nil, count: count))
    }

    subscript(index: Int) -> Value {
        get { slots.withLock { $0[index]! } }
        set { slots.withLock { $0[index] = newValue } }
    }

    var values: [Value] { slots.withLock { $0.map { $0! } } }
}
