import Encoder
import Foundation
import Imaging
import LocalFeatures
import Logging
import SearchBackend
import Synchronization

/// The service without its transport: collections bound to one model, adding images (hash, decode,
/// encode, store), search, and the rest of the API. The gRPC layer only translates to and from this.
public final class ImageSearchEngine: Sendable {
    public let model: ModelIdentity
    public let configuration: EngineConfiguration
    private let encoder: ImageEncoder
    private let queue: EncodingQueue
    private let provider: any BackendProvider
    private let logger: Logger
    private let collections = Mutex<[String: Task<CollectionWriter, any Error>]>([:])
    private let startedAt = ContinuousClock.now

    public init(encoder: ImageEncoder, provider: any BackendProvider, configuration: EngineConfiguration, logger: Logger) {
        self.encoder = encoder
        self.provider = provider
        self.configuration = configuration
        self.logger = logger
        model = Self.identity(of: encoder)
        queue = EncodingQueue(encoder: encoder, maxBatch: configuration.maxEncodingBatch)
    }

    /// The identity the collections of `encoder` are bound to (public so tools that populate a data
    /// directory offline use exactly the same). The pooling and scaling are named only when they are
    /// not the model's own (average, raw), so that collections made before recipes existed, which
    /// hold the reference recipe's vectors, still open with it.
    public static func identity(of encoder: ImageEncoder) -> ModelIdentity {
        identity(of: encoder.manifest, dimension: encoder.dimension, recipe: encoder.recipe)
    }

    /// The identity of the encoder `manifest` and `recipe` would make, before loading its network.
    public static func identity(of manifest: ModelManifest, dimension: Int, recipe: EmbeddingRecipe) -> ModelIdentity {
        let input = recipe.preprocessing(from: manifest.preprocessing)
        let crop = input.mode == .centerCrop ? "center-crop \(input.cropFraction)" : "whole-image"
        var line = "\(crop), \(input.filter.rawValue), \(input.size), (x-\(input.mean))*\(input.scale)"
        if recipe.pooling != .average || recipe.normalizesLength {
            line += ", \(recipe.pooling) pooling" + (recipe.normalizesLength ? ", length 1" : "")
        }
        if let lowPass = recipe.lowPass { line += ", low-pass \(lowPass)" }
        if recipe.straightensTurnedPhotos { line += ", turned photos straightened" }
        return ModelIdentity(name: manifest.name, weightsSHA256: manifest.weights.sha256, dimension: dimension, preprocessing: line)
    }

    // MARK: Adding

    /// Stores what is new among `submissions`; every image gets an outcome, in order. Durable when it
    /// returns. Local features are stored too when the collection verifies searches.
    public func add(_ submissions: [ImageSubmission], to collection: String = "") async throws -> [AddOutcome] {
        let writer = try await self.collection(collection)
        let keepsLocalFeatures = await verifies(writer)
        var outcomes = [AddOutcome?](repeating: nil, count: submissions.count)
        var toEncode: [(index: Int, name: String, hash: String)] = []
        for (index, submission) in submissions.enumerated() {
            let hash = ContentHash.sha256(submission.data)
            let name = submission.name.isEmpty ? "sha256:\(hash)" : submission.name
            if let problem = admissionProblem(submission.data) {
                outcomes[index] = .failed(problem, name: name)
            } else if let existing = try await writer.backend.image(contentSHA256: hash) {
                outcomes[index] = AddOutcome(status: .unchanged, id: existing.id, name: existing.name)
            } else {
                toEncode.append((index, name, hash))
            }
        }
        let encoded = await queue.encode(toEncode.map { submissions[$0.index].data }, localFeatures: keepsLocalFeatures)
        var prepared: [PreparedImage] = []
        for (item, result) in zip(toEncode, encoded) {
            switch result {
            case .success(let encoded):
                let image = NewImage(
                    name: item.name, contentSHA256: item.hash, metadata: submissions[item.index].metadata, vector: encoded.vector,
                    localFeatures: encoded.localFeatures?.serialized())
                prepared.append(PreparedImage(index: item.index, image: image))
            case .failure(let error):
                outcomes[item.index] = .failed(EngineError(error), name: item.name)
            }
        }
        for (index, outcome) in try await store(prepared, in: writer) {
            outcomes[index] = outcome
        }
        return outcomes.map { $0! }
    }

    /// Why `data` is refused before decoding, if it is.
    private func admissionProblem(_ data: Data) -> EngineError? {
        guard data.count <= configuration.maxImageBytes else {
            return EngineError(.imageTooLarge, .resourceExhausted, "the image is \(data.count) bytes; the limit is \(configuration.maxImageBytes) (imagesearchd --max-image-bytes)")
        }
        return nil
    }

    /// Stores prepared images; a storage failure fails these images (reported per image) rather than
    /// the whole request, so the client knows exactly what was not stored.
    private func store(_ prepared: [PreparedImage], in writer: CollectionWriter) async throws -> [Int: AddOutcome] {
        guard !prepared.isEmpty else { return [:] }
        do {
            return try await writer.store(prepared)
        } catch let error as BackendError {
            logger.error("storing images failed", metadata: ["collection": "\(writer.name)", "error": "\(error)"])
            let failure = EngineError(error)
            return Dictionary(uniqueKeysWithValues: prepared.map { ($0.index, AddOutcome.failed(failure, name: $0.image.name)) })
        }
    }

    // MARK: Reading

    /// The `topK` stored images nearest to `query`, nearest first.
    ///
    /// With `matchRotations` (default: the configuration's), an image query is embedded upright and
    /// turned by 90°, 180° and 270°, each view is searched, and each stored image keeps its nearest
    /// view's distance: a photo stored sideways or upside down is then found like an upright one. The
    /// union of the views' top k holds the fused top k exactly. A verified search turns the query
    /// only when its upright view does not find the query's scene upright (its first verified result
    /// verified by a homography that keeps the query's horizontal within 45°): the local features are
    /// rotation-invariant, so that result is what the query shows, and the turned views would cost
    /// as much time again. A quarter-turned copy verifies turned, and gets the turned views.
    ///
    /// With `verify` (default: the collection's setting, else the configuration's), the nearest
    /// `verificationCandidates` are checked geometrically against the query's local features
    /// (`GeometricVerifier`); each checked hit gets its inlier count (at least
    /// `GeometricVerifier.verifiedInliers`: the same scene), the checked hits are ordered by inliers
    /// weighed against distance (`VerifiedOrder`), and the rest follow by distance. `minInliers` then
    /// keeps only hits with at least that many inliers: a cut-off that needs a verified search, and
    /// fails rather than return unverified hits.
    public func search(
        _ query: SearchQuery, in collection: String = "", topK: Int = 10, maxDistance: Float? = nil, matchRotations: Bool? = nil,
        verify: Bool? = nil, minInliers: Int? = nil
    ) async throws -> [SearchHit] {
        guard (1...1000).contains(topK) else {
            throw EngineError(.invalidArgument, .invalidArgument, "top_k must be between 1 and 1000, not \(topK)")
        }
        let writer = try await self.collection(collection)
        let isVerifying = if let verify { verify } else { await verifies(writer) }
        try checkCutOff(minInliers, isVerifying: isVerifying)
        let turns = matchRotations ?? configuration.matchRotations
        let encoded = try await encodeQuery(
            query, orientations: turns && !isVerifying ? Self.quarterTurns : [.up], localFeatures: isVerifying, backend: writer.backend)
        let candidateCount = encoded.localFeatures != nil ? max(topK, configuration.verificationCandidates) : topK
        let candidates = try await nearest(encoded.vectors, in: writer.backend, topK: candidateCount, maxDistance: maxDistance)
        guard let localFeatures = encoded.localFeatures else {
            if minInliers != nil { throw Self.unverifiableQuery }
            return candidates
        }
        var (hits, matches) = try await verified(candidates, against: localFeatures, in: writer.backend)
        if turns, let networkImage = encoded.networkImage, !Self.foundUpright(hits, matches) {
            let turned = await queue.encode(networkImage, orientations: Array(Self.quarterTurns.dropFirst()))
            let turnedCandidates = try await nearest(
                turned, in: writer.backend, topK: candidateCount, maxDistance: maxDistance, firstIsUpright: false, fusedWith: candidates)
            hits = try await verified(turnedCandidates, against: localFeatures, in: writer.backend, checkedBefore: matches).hits
        }
        return Array(hits.filter { $0.inliers ?? 0 >= minInliers ?? 0 }.prefix(topK))
    }

    /// Whether searches in `writer`'s collection verify when a request does not say.
    private func verifies(_ writer: CollectionWriter) async -> Bool {
        await writer.settings.verify ?? configuration.verifyMatches
    }

    /// Refuses an inlier cut-off that cannot be met: below 1, or on a search that is not verified.
    private func checkCutOff(_ minInliers: Int?, isVerifying: Bool) throws {
        guard let minInliers else { return }
        guard minInliers >= 1 else {
            throw EngineError(.invalidArgument, .invalidArgument, "min_inliers must be at least 1, not \(minInliers)")
        }
        guard isVerifying else {
            throw EngineError(
                .invalidArgument, .invalidArgument,
                "min_inliers needs a verified search, and verification is off for this search (verify=false, or the collection's setting: isctl configure --verify)")
        }
    }

    /// A cut-off on inliers asked of a query without local features.
    private static let unverifiableQuery = EngineError(
        .invalidArgument, .invalidArgument,
        "min_inliers needs a verified search, and this query has no local features: a vector query cannot be verified, nor a stored image added while verification was off")

    /// The `topK` images nearest to any of `vectors` (the first is the upright view unless
    /// `firstIsUpright` is false; the others are turned views, whose distances count
    /// `turnedViewMargin` farther) or among `earlier` (the fused hits of other views of the same query,
    /// searched with the same `topK` and `maxDistance`), each with its nearest view's distance. The
    /// views are searched at once: on Milvus each search is a round trip.
    func nearest(
        _ vectors: [[Float]], in backend: any SearchBackend, topK: Int, maxDistance: Float?, firstIsUpright: Bool = true,
        fusedWith earlier: [SearchHit] = []
    ) async throws -> [SearchHit] {
        let nearest = try await withThrowingTaskGroup(of: [SearchHit].self) { group in
            for (view, vector) in vectors.enumerated() {
                let margin = view == 0 && firstIsUpright ? 0 : Self.turnedViewMargin
                group.addTask {
                    try await backend.search(vector, topK: topK, maxDistance: maxDistance.map { Self.removing(margin, from: $0) })
                        .map { hit in var hit = hit; hit.distance = Self.adding(margin, to: hit.distance); return hit }
                }
            }
            var nearest = Dictionary(earlier.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for try await hits in group {
                for hit in hits where hit.distance < nearest[hit.id]?.distance ?? .infinity { nearest[hit.id] = hit }
            }
            return nearest
        }
        return Array(nearest.values.sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }.prefix(topK))
    }

    /// `hits` with the first `verificationCandidates` checked: those with local features stored get
    /// their inlier counts, and the checked ones are reordered (`VerifiedOrder`), the rest kept.
    /// Also each checked hit's match, for a later call's `checkedBefore` (the same query): hits found
    /// there are not checked again.
    private func verified(
        _ hits: [SearchHit], against query: PendingLocalFeatures, in backend: any SearchBackend,
        checkedBefore: [Int64: GeometricMatch?] = [:]
    ) async throws -> (hits: [SearchHit], matches: [Int64: GeometricMatch?]) {
        let head = Array(hits.prefix(configuration.verificationCandidates))
        let unchecked = head.filter { !checkedBefore.keys.contains($0.id) }
        let found = try await matches(of: unchecked, against: query, in: backend)
        let matches = checkedBefore.merging(zip(unchecked.map(\.id), found)) { first, _ in first }
        let checked = head.map { $0.with(inliers: matches[$0.id]??.inliers) }
        return (VerifiedOrder.ordered(checked) + hits.dropFirst(checked.count), matches)
    }

    /// Whether the first verified one of ordered `hits` shows the query's scene upright: then turned
    /// views of the query cannot find more.
    private static func foundUpright(_ hits: [SearchHit], _ matches: [Int64: GeometricMatch?]) -> Bool {
        guard let first = hits.first(where: { $0.inliers ?? 0 >= GeometricVerifier.verifiedInliers }), let match = matches[first.id] ?? nil else {
            return false
        }
        return match.isUpright
    }

    /// `hits`, each with its inlier count against `query` when its local features are stored.
    func withInliers(_ hits: [SearchHit], against query: PendingLocalFeatures, in backend: any SearchBackend) async throws -> [SearchHit] {
        let found = try await matches(of: hits, against: query, in: backend)
        return zip(hits, found).map { $0.with(inliers: $1?.inliers) }
    }

    /// Each hit's match against `query`; nil for a hit without local features stored. The hits'
    /// features are read before waiting for the query's.
    private func matches(of hits: [SearchHit], against pending: PendingLocalFeatures, in backend: any SearchBackend) async throws -> [GeometricMatch?] {
        guard !hits.isEmpty else { return [] }
        let stored = try await backend.localFeatures(ids: hits.map(\.id))
        let candidates = hits.map { stored[$0.id] }
        let query = await pending.value
        // Off Swift's cooperative threads, like the encoder: the matching is CPU-bound.
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: GeometricVerifier().matches(query: query, stored: candidates)) }
        }
    }

    /// How much farther a turned view's matches count than the upright view's: a photo is more often
    /// upright than not, and without a margin turned views of other photos push out some correct
    /// upright matches (chosen with bench/retrieval, see bench/README.md).
    static let turnedViewMargin: Float = 0.1

    /// `distance` made `margin` (a fraction of its size) worse; increasing, so each view's ranking stays.
    private static func adding(_ margin: Float, to distance: Float) -> Float {
        distance + margin * abs(distance)
    }

    /// The distance that `adding(margin, to:)` turns into `limit`.
    private static func removing(_ margin: Float, from limit: Float) -> Float {
        limit >= 0 ? limit / (1 + margin) : limit / (1 - margin)
    }

    /// The views of an image query that `search` matches when turning.
    private static let quarterTurns: [ExifOrientation] = [.up, .rotatedClockwise, .down, .rotatedCounterClockwise]

    /// The query's vectors (one per view: an image query seen in each of `orientations`) and, when
    /// `localFeatures` and they are known, its local features: found in an image query, stored with
    /// an image queried by id or name.
    private func encodeQuery(
        _ query: SearchQuery, orientations: [ExifOrientation], localFeatures: Bool, backend: any SearchBackend
    ) async throws -> EncodedQuery {
        switch query {
        case .image(let data):
            if let problem = admissionProblem(data) { throw problem }
            switch await queue.encode(data, orientations: orientations, localFeatures: localFeatures) {
            case .success(let encoded): return encoded
            case .failure(let error): throw EngineError(error)
            }
        case .id(let id):
            return try await storedQuery(.id(id), localFeatures: localFeatures, backend: backend)
        case .name(let name):
            return try await storedQuery(.name(name), localFeatures: localFeatures, backend: backend)
        case .vector(let vector):
            guard vector.count == model.dimension else {
                throw EngineError(.invalidArgument, .invalidArgument, "the query vector has \(vector.count) values; this collection's model (\(model.name)) makes \(model.dimension)")
            }
            return EncodedQuery(vectors: [vector])
        }
    }

    func storedQuery(_ key: ImageKey, localFeatures: Bool, backend: any SearchBackend) async throws -> EncodedQuery {
        let record = try await lookUp(key, in: backend, includeVector: true)
        guard let vector = record.vector else {
            throw EngineError(.init(rawValue: "internal_error"), .internalFailure, "the store returned no vector for \(key)")
        }
        guard localFeatures, let data = try await backend.localFeatures(ids: [record.id])[record.id], let features = StoredLocalFeatures(serialized: data) else {
            return EncodedQuery(vectors: [vector])
        }
        return EncodedQuery(vectors: [vector], localFeatures: PendingLocalFeatures([features.asIs, features.mirrored]))
    }

    /// The embedding of an image, storing nothing.
    public func embed(_ data: Data) async throws -> [Float] {
        if let problem = admissionProblem(data) { throw problem }
        switch await queue.encode([data], localFeatures: false)[0] {
        case .success(let encoded): return encoded.vector
        case .failure(let error): throw EngineError(error)
        }
    }

    public func image(_ key: ImageKey, in collection: String = "", includeVector: Bool = false) async throws -> ImageRecord {
        try await lookUp(key, in: try await self.collection(collection).backend, includeVector: includeVector)
    }

    private func lookUp(_ key: ImageKey, in backend: any SearchBackend, includeVector: Bool) async throws -> ImageRecord {
        let record: ImageRecord?
        switch key {
        case .id(let id): record = try await backend.image(id: id, includeVector: includeVector)
        case .name(let name): record = try await backend.image(name: name, includeVector: includeVector)
        }
        guard let record else {
            throw EngineError(.notFound, .notFound, "no image with \(key) is stored")
        }
        return record
    }

    // MARK: Removing

    /// Removes images by id and by name; returns the ids removed and the keys that were not stored.
    public func remove(ids: [Int64], names: [String], from collection: String = "") async throws -> (removed: [Int64], notFound: [String]) {
        let backend = try await self.collection(collection).backend
        var targets = ids
        var notFound: [String] = []
        for name in names {
            if let record = try await backend.image(name: name, includeVector: false) {
                targets.append(record.id)
            } else {
                notFound.append(name)
            }
        }
        let removed = try await backend.remove(ids: Array(Set(targets)))
        notFound += ids.filter { !removed.contains($0) }.map(String.init)
        return (removed.sorted(), notFound)
    }

    // MARK: Figures and lifecycle

    /// The metric a collection's distances are in, without the round trip `statistics(for:)` may cost.
    public func metric(of collection: String = "") async throws -> Metric {
        try await self.collection(collection).backend.indexSpec.metric
    }

    public func statistics(for collection: String = "") async throws -> EngineStatistics {
        let writer = try await self.collection(collection)
        return EngineStatistics(
            backend: try await writer.backend.statistics(), model: model, residentMemoryBytes: ResidentMemory.current(),
            uptimeSeconds: (ContinuousClock.now - startedAt).seconds, imagesEncoded: queue.imagesEncoded,
            collections: collections.withLock { Array($0.keys).sorted() }, verify: await verifies(writer))
    }

    /// Changes a collection's settings (opening or creating it): a nil argument leaves that setting
    /// as it is. Durable when it returns. Returns whether the collection now verifies searches.
    public func configure(_ collection: String = "", verify: Bool?) async throws -> Bool {
        let writer = try await self.collection(collection)
        try await writer.updateSettings { settings in
            if let verify { settings.verify = verify }
        }
        return await verifies(writer)
    }

    /// Opens (creating if needed) a collection now rather than on its first request, so that a model
    /// mismatch stops the daemon at start instead of failing requests later.
    public func open(collection: String = "") async throws {
        _ = try await self.collection(collection)
    }

    /// Stops encoding and closes every collection (writing index snapshots).
    public func close() async throws {
        queue.stop()
        let open = collections.withLock { $0.values }
        for task in open {
            if let writer = try? await task.value {
                try await writer.backend.close()
            }
        }
    }

    func collection(_ requested: String) async throws -> CollectionWriter {
        let name = requested.isEmpty ? configuration.defaultCollection : requested
        guard name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), name.first != "-" else {
            throw EngineError(.invalidArgument, .invalidArgument, "collection names are 1–64 letters, digits, '-' and '_'; '\(name)' is not one")
        }
        let task = collections.withLock { open in
            if let task = open[name] { return task }
            let task = Task { [provider, model, configuration] in
                let backend = try await provider.open(collection: name, model: model, index: configuration.index)
                return CollectionWriter(name: name, backend: backend, settings: try await backend.settings())
            }
            open[name] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            collections.withLock { _ = $0.removeValue(forKey: name) }
            throw EngineError.wrapping(error)
        }
    }
}
