import MilvusBackend
import SearchBackend
import Testing

@Suite("Addresses and collection names (no server)")
struct ConfigurationTests {
    @Test("addresses: host:port, bare host, IPv6 and unix sockets", arguments: [
        ("127.0.0.1:19530", "127.0.0.1:19530"),
        ("milvus.internal", "milvus.internal:19530"),
        ("localhost:1234", "localhost:1234"),
        ("[::1]:19531", "[::1]:19531"),
        ("unix:/run/milvus/milvus.sock", "unix:/run/milvus/milvus.sock"),
    ])
    func addresses(text: String, expected: String) throws {
        #expect(try MilvusAddress(text).description == expected)
    }

    @Test("malformed addresses are invalid arguments", arguments: ["", "host:", "host:0", "host:99999", ":19530", "unix:", "[::1", "two words:1"])
    func malformedAddresses(text: String) {
        #expect(throws: BackendError.self) { try MilvusAddress(text) }
    }

    @Test("daemon collection names map to valid Milvus names, explicit names win")
    func collectionNames() throws {
        var configuration = MilvusConfiguration(address: try MilvusAddress("localhost"))
        #expect(try configuration.milvusCollectionName(for: "default") == "imagesearch_default")
        #expect(try configuration.milvusCollectionName(for: "holiday-2024") == "imagesearch_holiday_2024")
        #expect(try configuration.milvusCollectionName(for: "café") == "imagesearch_caf_")
        configuration.collectionNames = ["default": "photos"]
        #expect(try configuration.milvusCollectionName(for: "default") == "photos")
        configuration.collectionNames = ["default": "9photos"]
        #expect(throws: BackendError.self) { try configuration.milvusCollectionName(for: "default") }
    }
}
