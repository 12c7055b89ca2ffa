import GRPCNIOTransportHTTP2Posix
import SearchBackend

/// Where the Milvus server listens: `host:port` (a name, an IPv4 address or `[IPv6]:port`; the port
/// defaults to Milvus's 19530) or `unix:PATH` for a Unix domain socket.
public struct MilvusAddress: Sendable, Equatable, CustomStringConvertible {
    public static let defaultPort = 19530

    enum Endpoint: Sendable, Equatable {
        case host(String, port: Int)
        case unixSocket(path: String)
    }

    let endpoint: Endpoint

    public init(_ text: String) throws {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard !path.isEmpty else { throw Self.invalid(text) }
            endpoint = .unixSocket(path: path)
        } else {
            let (host, port) = try Self.splitHostAndPort(text)
            endpoint = .host(host, port: port)
        }
    }

    public var description: String {
        switch endpoint {
        case .host(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixSocket(let path): "unix:\(path)"
        }
    }

    /// The transport's target. Made on demand because targets are not `Sendable`.
    func target() -> any ResolvableTarget {
        switch endpoint {
        case .host(let host, let port) where host.contains(":"):
            return .ipv6(address: host, port: port)
        case .host(let host, let port) where Self.isIPv4(host):
            return .ipv4(address: host, port: port)
        case .host(let host, let port):
            return .dns(host: host, port: port)
        case .unixSocket(let path):
            return .unixDomainSocket(path: path)
        }
    }

    private static func splitHostAndPort(_ text: String) throws -> (String, Int) {
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw invalid(text) }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid(text) }
                portText = rest.dropFirst()
            }
        } else if let colon = host.lastIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else { throw invalid(text) }
        guard let portText else { return (String(host), defaultPort) }
        guard let port = Int(portText), (1...65_535).contains(port) else { throw invalid(text) }
        return (String(host), port)
    }

    private static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    private static func invalid(_ text: String) -> BackendError {
        BackendError(.invalidArgument, "'\(text)' is not a Milvus address; use host:port (e.g. 127.0.0.1:19530) or unix:/path/to/milvus.sock")
    }
}
