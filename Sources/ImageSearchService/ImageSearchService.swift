import Foundation
import GRPCCore
import ImageSearchCore
import ImageSearchProtos
import SearchBackend

/// The `imagesearch.v1.ImageSearch` gRPC service: translates messages to engine calls and engine errors
/// to gRPC statuses. No logic of its own beyond that.
public struct ImageSearchService: Imagesearch_V1_ImageSearch.SimpleServiceProtocol {
    private let engine: ImageSearchEngine

    public init(engine: ImageSearchEngine) {
        self.engine = engine
    }

    public func addImages(
        request: RPCAsyncSequence<Imagesearch_V1_AddImagesRequest, any Error>,
        response: RPCWriter<Imagesearch_V1_AddImagesResponse>,
        context: ServerContext
    ) async throws {
        var collection: String?
        var position: UInt64 = 0
        try await translatingErrors {
            for try await message in request {
                let name = collection ?? message.collection
                collection = name
                let submissions = message.images.map { ImageSubmission(data: $0.data, name: $0.name, metadata: $0.metadata) }
                let outcomes = try await engine.add(submissions, to: name)
                try await response.write(.with { reply in
                    reply.results = outcomes.enumerated().map { offset, outcome in
                        Imagesearch_V1_AddResult(outcome, index: position + UInt64(offset))
                    }
                })
                position += UInt64(outcomes.count)
            }
        }
    }

    public func search(request: Imagesearch_V1_SearchRequest, context: ServerContext) async throws -> Imagesearch_V1_SearchResponse {
        try await translatingErrors {
            let hits = try await engine.search(
                try SearchQuery(request), in: request.collection, topK: request.topK == 0 ? 10 : Int(request.topK),
                maxDistance: request.hasMaxDistance ? request.maxDistance : nil,
                matchRotations: request.hasMatchRotations ? request.matchRotations : nil, verify: request.hasVerify ? request.verify : nil,
                minInliers: request.hasMinInliers ? Int(request.minInliers) : nil)
            let metric = try await engine.metric(of: request.collection)
            return .with { reply in
                reply.metric = metric.rawValue
                reply.results = hits.map { hit in
                    .with {
                        $0.id = UInt64(hit.id)
                        $0.name = hit.name
                        $0.distance = hit.distance
                        $0.metadata = hit.metadata
                        if let inliers = hit.inliers { $0.inliers = UInt32(inliers) }
                    }
                }
            }
        }
    }

    public func findDuplicates(
        request: Imagesearch_V1_FindDuplicatesRequest, response: RPCWriter<Imagesearch_V1_FindDuplicatesResponse>, context: ServerContext
    ) async throws {
        try await translatingErrors {
            let minInliers = request.minInliers == 0 ? nil : Int(request.minInliers)
            let groups = try await engine.duplicateGroups(in: request.collection, minInliers: minInliers) { checked, total in
                try await response.write(.with { $0.progress = .with { $0.checked = UInt64(checked); $0.total = UInt64(total) } })
            }
            for group in groups {
                try await response.write(.with { reply in
                    reply.group.members = group.members.map { member in .with { $0.id = UInt64(member.id); $0.name = member.name } }
                })
            }
        }
    }

    public func embed(request: Imagesearch_V1_EmbedRequest, context: ServerContext) async throws -> Imagesearch_V1_EmbedResponse {
        try await translatingErrors {
            let vector = try await engine.embed(request.image)
            return .with {
                $0.model = engine.model.name
                $0.dimension = UInt32(vector.count)
                $0.vector = vector
            }
        }
    }

    public func remove(request: Imagesearch_V1_RemoveRequest, context: ServerContext) async throws -> Imagesearch_V1_RemoveResponse {
        try await translatingErrors {
            let outcome = try await engine.remove(ids: request.ids.map { Int64($0) }, names: request.names, from: request.collection)
            return .with {
                $0.removedIds = outcome.removed.map { UInt64($0) }
                $0.notFound = outcome.notFound
            }
        }
    }

    public func get(request: Imagesearch_V1_GetRequest, context: ServerContext) async throws -> Imagesearch_V1_GetResponse {
        try await translatingErrors {
            let key: ImageKey
            switch request.key {
            case .id(let id): key = .id(Int64(id))
            case .name(let name): key = .name(name)
            case nil: throw EngineError(.invalidArgument, .invalidArgument, "GetRequest needs an id or a name")
            }
            let record = try await engine.image(key, in: request.collection, includeVector: request.includeVector)
            return .with {
                $0.image = .with { image in
                    image.id = UInt64(record.id)
                    image.name = record.name
                    image.contentSha256 = record.contentSHA256
                    image.metadata = record.metadata
                    image.vector = record.vector ?? []
                }
            }
        }
    }

    public func stats(request: Imagesearch_V1_StatsRequest, context: ServerContext) async throws -> Imagesearch_V1_StatsResponse {
        try await translatingErrors {
            Imagesearch_V1_StatsResponse(try await engine.statistics(for: request.collection))
        }
    }

    public func configureCollection(
        request: Imagesearch_V1_ConfigureCollectionRequest, context: ServerContext
    ) async throws -> Imagesearch_V1_ConfigureCollectionResponse {
        try await translatingErrors {
            let verify = try await engine.configure(request.collection, verify: request.hasVerify ? request.verify : nil)
            return .with { $0.verify = verify }
        }
    }

    /// Runs `body`, turning engine, backend and decoding errors into `RPCError`s that carry the stable
    /// reason in the trailing metadata key `imagesearch-reason`.
    private func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(EngineError.wrapping(error))
        }
    }
}
