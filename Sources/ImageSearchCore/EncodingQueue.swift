import Encoder
import Foundation
import Imaging
import LocalFeatures
import Synchronization

/// Runs the encoder for every request on one dedicated thread, merging the images of concurrent
/// requests into shared batches: the network is faster per image in batches (late layers read their
/// weights once per batch), and the CPU-bound work stays off Swift's cooperative thread pool. Local
/// features, when a job asks for them, are found in the same decoded pixels on the encoder's threads.
final class EncodingQueue: Sendable {
    /// Images to embed as they are (merged with other such jobs into shared batches), one image to
    /// embed in several orientations, or more views of a query image already decoded (each a batch
    /// of its own: its views already fill one).
    private enum Job {
        case images([Data], localFeatures: Bool, CheckedContinuation<[Result<EncodedImage, ImagingError>], Never>)
        case views(Data, [ExifOrientation], localFeatures: Bool, CheckedContinuation<Result<EncodedQuery, ImagingError>, Never>)
        case moreViews(RGBImage, [ExifOrientation], CheckedContinuation<[[Float]], Never>)

        var imageCount: Int {
            switch self {
            case .images(let images, _, _): images.count
            case .views(_, let orientations, _, _), .moreViews(_, let orientations, _): orientations.count
            }
        }
    }

    private let encoder: ImageEncoder
    private let extractor = LocalFeatureExtractor()
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

    /// Embeddings (and local features, when asked for) of `images`, each or the reason it could not
    /// be decoded.
    func encode(_ images: [Data], localFeatures: Bool) async -> [Result<EncodedImage, ImagingError>] {
        guard !images.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            if !submit(.images(images, localFeatures: localFeatures, continuation)) {
                continuation.resume(returning: images.map { _ in .failure(Self.stopped) })
            }
        }
    }

    /// Embeddings of `image` in each of `orientations` (and its local features, as it is and mirrored,
    /// when asked for), or the reason it could not be decoded.
    func encode(_ image: Data, orientations: [ExifOrientation], localFeatures: Bool) async -> Result<EncodedQuery, ImagingError> {
        await withCheckedContinuation { continuation in
            if !submit(.views(image, orientations, localFeatures: localFeatures, continuation)) {
                continuation.resume(returning: .failure(Self.stopped))
            }
        }
    }

    /// Embeddings of a query's `networkImage` in each of `orientations`: the views a search adds
    /// later. Empty once stopped.
    func encode(_ networkImage: RGBImage, orientations: [ExifOrientation]) async -> [[Float]] {
        await withCheckedContinuation { continuation in
            if !submit(.moreViews(networkImage, orientations, continuation)) {
                continuation.resume(returning: [])
            }
        }
    }

    private static let stopped = ImagingError(.corrupt, "the daemon is shutting down")

    /// Queues `job` and wakes the thread; false once stopped.
    private func submit(_ job: Job) -> Bool {
        let accepted = jobs.withLock { state in
            if !state.stopped { state.pending.append(job) }
            return !state.stopped
        }
        if accepted { wakeUp.signal() }
        return accepted
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

    /// The oldest job plus, when it embeds images as they are, as many following such jobs as fit in
    /// `maxBatch` images.
    private func takeBatch() -> [Job]? {
        jobs.withLock { state in
            guard let first = state.pending.first else { return nil }
            var count = first.imageCount
            var taken = 1
            if case .images = first {
                while taken < state.pending.count, case .images = state.pending[taken], count + state.pending[taken].imageCount <= maxBatch {
                    count += state.pending[taken].imageCount
                    taken += 1
                }
            }
            defer { state.pending.removeFirst(taken) }
            return Array(state.pending.prefix(taken))
        }
    }

    private func run(_ batch: [Job]) {
        switch batch[0] {
        case .views(let image, let orientations, let localFeatures, let continuation):
            continuation.resume(returning: encode(image, orientations: orientations, localFeatures: localFeatures))
            encodedCount.add(1, ordering: .relaxed)
        case .moreViews(let networkImage, let orientations, let continuation):
            continuation.resume(returning: encoder.embed(networkImage, orientations: orientations))
        case .images:
            runImages(batch)
        }
    }

    private func runImages(_ batch: [Job]) {
        var images: [Data] = [], wantsFeatures: [Bool] = []
        for case .images(let jobImages, let localFeatures, _) in batch {
            images += jobImages
            wantsFeatures += Array(repeating: localFeatures, count: jobImages.count)
        }
        let features = Mutex([StoredLocalFeatures?](repeating: nil, count: images.count))
        let vectors = encoder.embed(images) { [extractor, wantsFeatures] index, decoded in
            guard wantsFeatures[index] else { return }
            let found = extractor.featuresAsIsAndMirrored(of: decoded)
            features.withLock { $0[index] = found }
        }
        encodedCount.add(vectors.count, ordering: .relaxed)
        let results = features.withLock { features in
            zip(vectors, features).map { vector, found in vector.map { EncodedImage(vector: $0, localFeatures: found) } }
        }
        var start = 0
        for case .images(let jobImages, _, let continuation) in batch {
            continuation.resume(returning: Array(results[start..<start + jobImages.count]))
            start += jobImages.count
        }
    }

    /// The local features are started on another thread once the image is decoded, and this thread
    /// helps with them once the network's input is ready; the network then runs on all threads.
    /// Found beside the network, they took a core from one of its halves (`SharedFeatureExtraction`).
    private func encode(_ image: Data, orientations: [ExifOrientation], localFeatures: Bool) -> Result<EncodedQuery, ImagingError> {
        var features: PendingLocalFeatures?
        let networkImage = encoder.networkImage(of: image) { [extractor] decoded in
            guard localFeatures else { return }
            features = PendingLocalFeatures(of: decoded, extractor: extractor)
        }
        features?.help()
        return networkImage.map { networkImage in
            EncodedQuery(vectors: encoder.embed(networkImage, orientations: orientations), localFeatures: features, networkImage: networkImage)
        }
    }
}
