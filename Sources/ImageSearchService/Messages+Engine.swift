import ImageSearchCore
import ImageSearchProtos
import SearchBackend

extension Imagesearch_V1_AddResult {
    init(_ outcome: AddOutcome, index: UInt64) {
        self.init()
        self.index = index
        id = UInt64(outcome.id)
        name = outcome.name
        replacedID = UInt64(outcome.replacedID ?? 0)
        switch outcome.status {
        case .added:
            status = .added
        case .unchanged:
            status = .unchanged
        case .failed(let error):
            status = .failed
            self.error = .with {
                $0.reason = error.code.rawValue
                $0.message = error.message
            }
        }
    }
}

extension SearchQuery {
    init(_ request: Imagesearch_V1_SearchRequest) throws {
        switch request.query {
        case .image(let data): self = .image(data)
        case .id(let id): self = .id(Int64(id))
        case .name(let name): self = .name(name)
        case .vector(let vector): self = .vector(vector.values)
        case nil: throw EngineError(.invalidArgument, .invalidArgument, "SearchRequest needs a query: an image, an id, a name or a vector")
        }
    }
}

extension Imagesearch_V1_StatsResponse {
    init(_ statistics: EngineStatistics) {
        self.init()
        count = UInt64(statistics.backend.count)
        model = statistics.model.name
        modelSha256 = statistics.model.weightsSHA256
        dimension = UInt32(statistics.model.dimension)
        preprocessing = statistics.model.preprocessing
        backend = statistics.backend.backend
        indexType = statistics.backend.index.description
        metric = statistics.backend.index.metric.rawValue
        indexMemoryBytes = UInt64(statistics.backend.memoryBytes)
        residentMemoryBytes = UInt64(statistics.residentMemoryBytes)
        uptimeSeconds = statistics.uptimeSeconds
        imagesEncoded = UInt64(statistics.imagesEncoded)
        collections = statistics.collections
        verify = statistics.verify
        version = ImageSearchVersion.current
    }
}
