import Dispatch
import LocalFeatures
import Synchronization

/// A query's local features, found on another thread while the search goes on: the network usually
/// ends first, and the index is searched and the candidates' stored features are read meanwhile, so
/// that a search waits for the query's features only when it matches them.
final class PendingLocalFeatures: Sendable {
    private let sets: Mutex<[LocalFeatureSet]>
    private let finding = DispatchGroup()

    /// Features known already: a stored image's.
    init(_ sets: [LocalFeatureSet]) {
        self.sets = Mutex(sets)
    }

    /// Features `find` computes, off Swift's cooperative threads (it is CPU-bound).
    init(finding find: @escaping @Sendable () -> [LocalFeatureSet]) {
        sets = Mutex([])
        DispatchQueue.global().async(group: finding) { [self] in
            let found = find()
            sets.withLock { $0 = found }
        }
    }

    /// The sets, once found.
    var value: [LocalFeatureSet] {
        get async {
            await withCheckedContinuation { continuation in
                finding.notify(queue: .global()) { continuation.resume(returning: self.sets.withLock { $0 }) }
            }
        }
    }
}
