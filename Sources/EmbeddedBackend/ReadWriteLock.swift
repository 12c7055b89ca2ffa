import Foundation

/// Many readers or one writer, for the HNSW graph: searches read it together, and the writer takes
/// it only for the moment it takes to link one new node.
///
/// Writers are preferred on Linux (a waiting writer holds back new readers), so a steady stream of
/// overlapping searches cannot starve inserts. Never take the read lock twice on one thread: with
/// writer preference that deadlocks as soon as a writer waits in between.
final class ReadWriteLock: @unchecked Sendable {
    /// Heap-allocated because a pthread lock must not move; pthread itself makes it thread-safe.
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        #if os(Linux)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        #endif
        pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func withReadLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func withWriteLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
