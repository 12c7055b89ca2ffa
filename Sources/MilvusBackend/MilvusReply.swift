import MilvusProtos

/// A Milvus response. Every one carries a `common.Status`: gRPC succeeding only means the server
/// answered, the status says whether it did what was asked.
protocol MilvusReply: Sendable {
    var replyStatus: Milvus_Proto_Common_Status { get }
}

extension Milvus_Proto_Common_Status: MilvusReply {
    var replyStatus: Milvus_Proto_Common_Status { self }
}

extension Milvus_Proto_Milvus_BoolResponse: MilvusReply {
    var replyStatus: Milvus_Proto_Common_Status { status }
}

extension Milvus_Proto_Milvus_DescribeCollectionResponse: MilvusReply {
    var replyStatus: Milvus_Proto_Common_Status { status }
}

extension Milvus_Proto_Milvus_DescribeIndexResponse: MilvusReply {
    var replyStatus: Milvus_Proto_Common_Status { status }
}

extension Milvus_Proto_Milvus_GetLoadStateResponse: MilvusReply {
    var replyStatus: Milvus_Proto_Common_Status { status }
}

extension Milvus_Proto_Milvus_MutationResult: MilvusReply {
    var replyStatus: Milvus_Proto_Common_Status { status }
}

extension Milvus_Proto_Milvus_QueryResults: MilvusReply {
    var replyStatus: Milvus_Proto_Common_Status { status }
}

extension Milvus_Proto_Milvus_SearchResults: MilvusReply {
    var replyStatus: Milvus_Proto_Common_Status { status }
}

extension Milvus_Proto_Milvus_FlushResponse: MilvusReply {
    var replyStatus: Milvus_Proto_Common_Status { status }
}
