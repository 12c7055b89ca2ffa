import CSQLite
import SearchBackend

/// One connection to a collection's `records.sqlite`, with its prepared statements kept for reuse.
///
/// Used by one thread at a time, which is what makes the `@unchecked Sendable` true: the write
/// connection only under `RecordStore`'s writer lock, read connections only while checked out of a
/// `ConnectionPool`. SQLite's own per-connection mutex is therefore switched off (`NOMUTEX`).
final class SQLiteConnection: @unchecked Sendable {
    let path: String
    private let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]

    init(path: String, create: Bool) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0)
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw BackendError(.storageFailure, "cannot open \(path): \(message)")
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
        // Another process (or a second provider on the same directory) may hold the write lock for a
        // moment; wait for it rather than fail.
        sqlite3_busy_timeout(handle, 10_000)
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changedRowCount: Int { Int(sqlite3_changes(handle)) }
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs statements that return nothing (schema, pragmas, transaction control).
    func execute(_ sql: String) throws {
        let result = sqlite3_exec(handle, sql, nil, nil, nil)
        guard result == SQLITE_OK else { throw failure(result, "running \(sql)") }
    }

    /// Runs `body` with the prepared `sql`, reset afterwards: a statement left mid-way would keep its
    /// read transaction open and later reads on this connection would see old data.
    func withStatement<Result>(_ sql: String, _ body: (SQLiteStatement) throws -> Result) throws -> Result {
        let statement = try prepared(sql)
        defer { statement.reset() }
        return try body(statement)
    }

    /// A write transaction (`BEGIN IMMEDIATE`, so it never has to upgrade a read lock), committed if
    /// `body` returns and rolled back if it or the commit throws.
    func withWriteTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// A read transaction: every statement in `body` sees the same state of the database.
    func withReadTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("BEGIN")
        defer { try? execute("COMMIT") }
        return try body()
    }

    /// A SQLite result code as a backend error: out of space is `diskFull`, anything else a
    /// `storageFailure` naming the file, the action and SQLite's own message.
    func failure(_ result: Int32, _ action: String) -> BackendError {
        let message = String(cString: sqlite3_errmsg(handle))
        if result & 0xFF == SQLITE_FULL {
            return BackendError(.diskFull, "\(action) failed: \(path): \(message); free space on that file system")
        }
        return BackendError(.storageFailure, "\(action) failed: \(path): \(message) (SQLite code \(result))")
    }

    private func prepared(_ sql: String) throws -> SQLiteStatement {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard result == SQLITE_OK, let statement else { throw failure(result, "preparing \(sql)") }
        let prepared = SQLiteStatement(statement, connection: self)
        statements[sql] = prepared
        return prepared
    }
}
