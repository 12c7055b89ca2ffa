import Encoder
import Foundation
import Imaging
import Synchronization

/// Runs the encoder for every request on one dedicated thread, merging the images of concurrent
/// requests into shared batches: the network is faster per image in batches (late layers read their
/// weights once per batch), and the CPU-bound work stays off Swift's cooperative thread pool.
final class EncodingQueue: Sendable {
    private struct Job {
        let images: [Data]
        let continuation: CheckedContinuation<[Result<[Float], ImagingError>], Never>
    }

    private let encoder: ImageEncoder
    private let maxBatch: Int
    private let jobs = Mutex<(pending: [Job], stopped: Bool)>(([], false))
    private let wakeUp = DispatchSemaphore(value: 0)
    private let encodedCount = Atomic<Int>(0)

    init(encoder: ImageEncoder, maxBatch: Int) {
        self.encoder = encoder
        self.maxBatch = maxBatch
        let thread = Thread { [self] in self.runJobs() }
        thread.name = "imagesearch-encoder"
        thread.start()
    }

    /// Images encoded since start.
    var imagesEncoded: Int { encodedCount.load(ordering: .relaxed) }

    /// Embeddings for `images`, each a vector or the reason it could not be decoded.
    func encode(_ images: [Data]) async -> [Result<[Float], ImagingError>] {
        guard !images.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let accepted = jobs.withLock { state in
                if !state.stopped { state.pending.append(Job(images: images, continuation: continuation)) }
                return !state.stopped
            }
            if accepted {
                wakeUp.signal()
            } else {
                let stopped = ImagingError(.corrupt, "the daemon is shutting down")
                continuation.resume(returning: images.map { _ in .failure(stopped) })
            }
        }
    }

    /// Stops the thread once the jobs already queued are done.
    func stop() {
        jobs.withLock { $0.stopped = true }
        wakeUp.signal()
    }

    private func runJobs() {
        while true {
            wakeUp.wait()
            while let batch = takeBatch() {
                run(batch)
            }
            if jobs.withLock({ $0.stopped && $0.pending.isEmpty }) { return }
        }
    }

    /// The oldest job plus as many following ones as fit in `maxBatch` images.
    private func takeBatch() -> [Job]? {
        jobs.withLock { state in
            guard !state.pending.isEmpty else { return nil }
            var count = state.pending[0].images.count
            var taken = 1
            while taken < state.pending.count, count + state.pending[taken].images.count <= maxBatch {
                count += state.pending[taken].images.count
                taken += 1
            }
            defer { state.pending.removeFirst(taken) }
            return Array(state.pending.prefix(taken))
        }
    }

    private func run(_ batch: [Job]) {
        let results = encoder.embed(batch.flatMap(\.images))
        encodedCount.add(results.count, ordering: .relaxed)
        var start = 0
        for job in batch {
            job.continuation.resume(returning: Array(results[start..<start + job.images.count]))
            start += job.images.count
        }
    }
}
