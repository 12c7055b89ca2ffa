import Synchronization

/// Read connections to one database, handed to whichever search or lookup runs next. With WAL,
/// readers never wait for the writer, and each reader needs its own connection; the pool grows to
/// the peak number of concurrent readers and then stops opening new ones.
final class ConnectionPool: Sendable {
    private let path: String
    private let idle = Mutex<(connections: [SQLiteConnection], isClosed: Bool)>(([], false))

    init(path: String) {
        self.path = path
    }

    func withConnection<Result>(_ body: (SQLiteConnection) throws -> Result) throws -> Result {
        let connection = try idle.withLock { $0.connections.popLast() } ?? openReader()
        defer { checkIn(connection) }
        return try body(connection)
    }

    /// A connection that cannot write even by mistake: all writes go through the store's writer.
    private func openReader() throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, create: false)
        try connection.execute("PRAGMA query_only = ON")
        return connection
    }

    /// Closes the idle connections now and the busy ones when they come back.
    func close() {
        idle.withLock {
            $0.connections.removeAll()
            $0.isClosed = true
        }
    }

    private func checkIn(_ connection: SQLiteConnection) {
        idle.withLock {
            if !$0.isClosed { $0.connections.append(connection) }
        }
    }
}
