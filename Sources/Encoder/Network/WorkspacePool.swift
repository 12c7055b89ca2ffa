import Synchronization

/// Workspaces not in use, handed to whichever thread runs next; a new one is made only when all are busy,
/// so the pool grows to the peak concurrency and then stops allocating.
final class WorkspacePool: Sendable {
    private let make: @Sendable () -> InferenceWorkspace
    private let idle = Mutex<[InferenceWorkspace]>([])

    init(make: @escaping @Sendable () -> InferenceWorkspace) {
        self.make = make
    }

    func checkOut() -> InferenceWorkspace {
        idle.withLock { $0.popLast() } ?? make()
    }

    func checkIn(_ workspace: InferenceWorkspace) {
        idle.withLock { $0.append(workspace) }
    }
}
