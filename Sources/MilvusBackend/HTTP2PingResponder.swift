import NIOCore

/// Answers the HTTP/2 PING frames a server sends before swift-nio-http2 sees them.
///
/// Why: gRPC servers written in Go, Milvus among them, send a PING for their bandwidth estimate with
/// nearly every request they receive, and swift-nio-http2 closes a connection that receives more than
/// 200 PING or SETTINGS frames in 30 seconds (a denial-of-service precaution that
/// grpc-swift-nio-transport offers no setting for). Above about seven requests a second, the
/// connection to Milvus would be dropped every few seconds, failing the calls on it. Answered here, the
/// PINGs never reach that count; acknowledgements of our own PINGs and all other frames pass through
/// unchanged.
///
/// Sits first in the pipeline of a plaintext connection, where the bytes are HTTP/2 frames: 9 bytes
/// of header (length, type, flags, stream), then the payload. The answer is written from the event
/// loop between whole frames, so it never lands inside one of swift-nio-http2's.
public final class HTTP2PingResponder: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private static let headerSize = 9
    private static let pingType: UInt8 = 6
    private static let pingSize = headerSize + 8
    private static let acknowledgementFlag: UInt8 = 1

    /// Payload bytes of the current frame still to pass on.
    private var payloadRemaining = 0
    /// The start of a frame split across reads: its header, or all of a PING.
    private var frameStart = ByteBuffer()

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        var output = context.channel.allocator.buffer(capacity: input.readableBytes)
        while input.readableBytes > 0 {
            if payloadRemaining > 0 {
                var payload = input.readSlice(length: min(payloadRemaining, input.readableBytes))!
                payloadRemaining -= payload.readableBytes
                output.writeBuffer(&payload)
            } else {
                readFrameStart(from: &input, into: &output, context: context)
            }
        }
        if output.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(output))
        }
    }

    /// Gathers a frame's header; a PING is kept whole and answered, any other header passed on.
    private func readFrameStart(from input: inout ByteBuffer, into output: inout ByteBuffer, context: ChannelHandlerContext) {
        let wanted = (frameStart.readableBytes < Self.headerSize || !isPingRequest) ? Self.headerSize : Self.pingSize
        var piece = input.readSlice(length: min(wanted - frameStart.readableBytes, input.readableBytes))!
        frameStart.writeBuffer(&piece)
        guard frameStart.readableBytes >= Self.headerSize else { return }
        if isPingRequest {
            guard frameStart.readableBytes == Self.pingSize else { return }
            acknowledgePing(context: context)
        } else {
            payloadRemaining = payloadLength
            output.writeBuffer(&frameStart)
        }
        frameStart.clear()
    }

    private var payloadLength: Int {
        let bytes = frameStart.getBytes(at: frameStart.readerIndex, length: 3)!
        return Int(bytes[0]) << 16 | Int(bytes[1]) << 8 | Int(bytes[2])
    }

    /// A PING that asks for an answer: type 6, no ACK flag, 8 bytes of payload (anything else is a
    /// protocol error that swift-nio-http2 must see and report).
    private var isPingRequest: Bool {
        let type = frameStart.getInteger(at: frameStart.readerIndex + 3, as: UInt8.self)!
        let flags = frameStart.getInteger(at: frameStart.readerIndex + 4, as: UInt8.self)!
        return type == Self.pingType && flags & Self.acknowledgementFlag == 0 && payloadLength == 8
    }

    /// The same frame with the ACK flag set, as RFC 9113 §6.7 asks.
    private func acknowledgePing(context: ChannelHandlerContext) {
        var answer = frameStart
        answer.setInteger(Self.acknowledgementFlag, at: answer.readerIndex + 4)
        context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
    }
}
