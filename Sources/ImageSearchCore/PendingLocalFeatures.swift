import Dispatch
import Imaging
import LocalFeatures

/// A query's local features, found on other threads while the search goes on: the index is searched
/// and the candidates' stored features are read meanwhile, so that a search waits for the query's
/// features only when it matches them.
final class PendingLocalFeatures: Sendable {
    private let source: Source

    private enum Source {
        case known([LocalFeatureSet])
        case extracting(SharedFeatureExtraction)
    }

    /// Features known already: a stored image's.
    init(_ sets: [LocalFeatureSet]) {
        source = .known(sets)
    }

    /// The features of `image`, as is and mirrored, started now on another thread, off Swift's
    /// cooperative threads (it is CPU-bound); `help()` lends the caller's thread.
    init(of image: RGBImage, extractor: LocalFeatureExtractor) {
        let extraction = SharedFeatureExtraction(of: image, extractor: extractor)
        source = .extracting(extraction)
        DispatchQueue.global().async { extraction.help() }
    }

    /// Works on the features on the calling thread until no work is left to take.
    func help() {
        guard case .extracting(let extraction) = source else { return }
        extraction.help()
    }

    /// The sets, once found.
    var value: [LocalFeatureSet] {
        get async {
            switch source {
            case .known(let sets):
                return sets
            case .extracting(let extraction):
                return await withCheckedContinuation { continuation in
                    extraction.notify(queue: .global()) { continuation.resume(returning: [$0.asIs, $0.mirrored]) }
                }
            }
        }
    }
}
