import MilvusProtos
import Synchronization

/// What each read asks Milvus to wait for, so that it sees every write this backend has returned from
/// and waits no longer than that.
///
/// Reads use Session consistency with the timestamp of the newest write (from the write's reply):
/// Milvus answers once it has applied every write up to that timestamp, without the wait of Strong
/// consistency, which covers every write on the server up to now. Some writes come back without a
/// timestamp (deletes on Milvus 2.3, everything on Milvus Lite); after one of those, reads use Strong
/// consistency until a write that started after it reports a timestamp, which, as Milvus's timestamps
/// only grow, covers it.
final class ReadConsistency: Sendable {
    private struct State {
        /// 1 rather than 0: Milvus reads a zero guarantee as "unset"; 1 means "nothing to wait for".
        var guarantee: UInt64 = 1
        var writesStarted: UInt64 = 0
        /// After a write without a timestamp: the number of writes started by then.
        var strongUntilWriteAfter: UInt64?
    }

    private let state = Mutex(State())

    /// The level and guarantee timestamp for the next read.
    var forRead: (level: Milvus_Proto_Common_ConsistencyLevel, guarantee: UInt64) {
        state.withLock { state in
            state.strongUntilWriteAfter == nil ? (.session, state.guarantee) : (.strong, 0)
        }
    }

    /// Call before sending a write; pass the result to `writeFinished`.
    func writeStarted() -> UInt64 {
        state.withLock { state in
            state.writesStarted += 1
            return state.writesStarted
        }
    }

    /// Records a write's reply timestamp; 0 when the server did not report one.
    func writeFinished(_ write: UInt64, timestamp: UInt64) {
        state.withLock { state in
            guard timestamp > 0 else {
                state.strongUntilWriteAfter = state.writesStarted
                return
            }
            state.guarantee = max(state.guarantee, timestamp)
            if let mark = state.strongUntilWriteAfter, write > mark {
                state.strongUntilWriteAfter = nil
            }
        }
    }
}
