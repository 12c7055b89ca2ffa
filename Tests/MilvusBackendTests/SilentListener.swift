import Glibc

/// A TCP port on 127.0.0.1 that accepts connections (the kernel completes the handshake) and never
/// says a word: what a hung server looks like to a client.
final class SilentListener: Sendable {
    let port: Int
    private let socket: Int32

    init() throws {
        socket = try LoopbackPort.bound()
        guard listen(socket, 16) == 0 else {
            Glibc.close(socket)
            throw LoopbackPort.SocketError(description: "listen() failed: errno \(errno)")
        }
        port = try LoopbackPort.port(of: socket)
    }

    func close() {
        Glibc.close(socket)
    }
}
