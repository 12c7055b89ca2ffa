import Dispatch
import Imaging
import Synchronization

/// One image's local features, as is and mirrored, found by every thread that calls `help()`: the
/// first builds the pyramid, then each takes the next level nobody has taken until none is left.
/// The features are the same as `LocalFeatureExtractor.featuresAsIsAndMirrored(of:)` finds alone.
///
/// A search's query needs its features and its network embedding. Found beside the network, the
/// features took a core from one of the network's two halves, which then waited for each other at
/// every layer; found first, on both cores, they are ready 4.5 ms into a search instead of 6.5, and
/// the network's output comes a little sooner too (bench/README.md).
public final class SharedFeatureExtraction: Sendable {
    private let extractor: LocalFeatureExtractor
    private let image: RGBImage
    private let pyramid = Mutex(PyramidState.unbuilt)
    /// Left once the pyramid is built: helpers that come while it is being built wait for it.
    private let pyramidBuilt = DispatchGroup()
    private let nextLevel = Atomic(0)
    private let found = Mutex([Int: LevelFeatures]())
    private let result = Mutex<StoredLocalFeatures?>(nil)
    /// Left once the last level is found.
    private let finished = DispatchGroup()

    private enum PyramidState {
        case unbuilt
        case building
        case built(ImagePyramid)
    }

    /// Nothing is found until a thread helps.
    public init(of image: RGBImage, extractor: LocalFeatureExtractor) {
        self.image = image
        self.extractor = extractor
        pyramidBuilt.enter()
        finished.enter()
    }

    /// Runs `body` on `queue` with the features once they are found.
    public func notify(queue: DispatchQueue, _ body: @escaping @Sendable (StoredLocalFeatures) -> Void) {
        finished.notify(queue: queue) { body(self.result.withLock { $0! }) }
    }

    /// Finds levels on the calling thread until every level is taken; returns while other threads
    /// may still be finishing theirs.
    public func help() {
        let pyramid = builtPyramid()
        while case let level = nextLevel.wrappingAdd(1, ordering: .relaxed).oldValue, level < pyramid.levels.count {
            store(extractor.features(onLevel: level, of: pyramid, mirrored: true), level: level, of: pyramid)
        }
    }

    /// The pyramid: built by this thread when it is the first to ask, else waited for.
    private func builtPyramid() -> ImagePyramid {
        let builds = pyramid.withLock { state in
            guard case .unbuilt = state else { return false }
            state = .building
            return true
        }
        if builds {
            let built = extractor.pyramid(of: image)
            pyramid.withLock { $0 = .built(built) }
            pyramidBuilt.leave()
            return built
        }
        pyramidBuilt.wait()
        guard case .built(let built) = pyramid.withLock({ $0 }) else { preconditionFailure("the pyramid is built once its group is left") }
        return built
    }

    /// Keeps one level's features; with the last, hands all of them on.
    private func store(_ features: LevelFeatures, level: Int, of pyramid: ImagePyramid) {
        let levels: [LevelFeatures]? = found.withLock { found in
            found[level] = features
            return found.count == pyramid.levels.count ? pyramid.levels.indices.map { found[$0]! } : nil
        }
        guard let levels else { return }
        result.withLock { $0 = extractor.storedFeatures(levels, of: pyramid) }
        finished.leave()
    }
}
