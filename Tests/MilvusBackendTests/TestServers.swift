import Foundation
import MilvusBackend
import Testing

/// The Milvus servers the tests run against, from the variables `scripts/milvus start` prints. A
/// missing variable fails the test (it is not skipped): CI must start the servers.
enum TestServers {
    /// Milvus Lite: FLAT and IVF_FLAT.
    static func lite() throws -> MilvusAddress {
        try address("IMAGESEARCH_TEST_MILVUS", start: "lite")
    }

    /// Milvus standalone: HNSW, and a server with real timestamps (consistency).
    static func standalone() throws -> MilvusAddress {
        try address("IMAGESEARCH_TEST_MILVUS_STANDALONE", start: "standalone")
    }

    /// The Milvus Lite server binary, which the restart test runs a private copy of.
    static func liteBinary() throws -> URL {
        URL(fileURLWithPath: try variable("IMAGESEARCH_TEST_MILVUS_LITE_BINARY", start: "lite"))
    }

    private static func address(_ name: String, start kind: String) throws -> MilvusAddress {
        try MilvusAddress(try variable(name, start: kind))
    }

    private static func variable(_ name: String, start kind: String) throws -> String {
        try #require(
            ProcessInfo.processInfo.environment[name],
            "\(name) is not set: start the server with `eval \"$(scripts/milvus start \(kind))\"` before running these tests")
    }
}
