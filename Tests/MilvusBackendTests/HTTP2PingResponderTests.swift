import MilvusBackend
import NIOCore
import NIOEmbedded
import Testing

/// The responder answers the server's PINGs itself and passes every other byte on unchanged, however
/// the frames are cut into reads.
@Suite struct HTTP2PingResponderTests {
    static let settings = frame(type: 4, flags: 0, stream: 0, payload: [0, 3, 0, 0, 0, 100])
    static let ping = frame(type: 6, flags: 0, stream: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8])
    static let pingAnswer = frame(type: 6, flags: 1, stream: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8])
    static let data = frame(type: 0, flags: 1, stream: 1, payload: Array(repeating: 0x2A, count: 300))
    static let emptySettingsAcknowledgement = frame(type: 4, flags: 1, stream: 0, payload: [])

    static func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags]
            + [UInt8(stream >> 24), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)] + payload
    }

    @Test("PING requests are answered and removed; other frames, ours acknowledged included, pass", arguments: [1, 5, 9, 17, 4096])
    func pingsAreAnsweredWhateverTheReadSize(readSize: Int) throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(HTTP2PingResponder())
        let stream = Self.settings + Self.ping + Self.data + Self.pingAnswer + Self.emptySettingsAcknowledgement + Self.ping
        for start in stride(from: 0, to: stream.count, by: readSize) {
            try channel.writeInbound(ByteBuffer(bytes: stream[start..<min(start + readSize, stream.count)]))
        }

        var passed: [UInt8] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { passed += Array(buffer.readableBytesView) }
        #expect(passed == Self.settings + Self.data + Self.pingAnswer + Self.emptySettingsAcknowledgement)
        var answers: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { answers += Array(buffer.readableBytesView) }
        #expect(answers == Self.pingAnswer + Self.pingAnswer)
        #expect(try channel.finish().isClean)
    }
}
