import CSQLite
import Foundation
import SearchBackend

#if _endian(big)
#error("vectors are stored in memory order, which is the little-endian format only on little-endian machines")
#endif

/// A prepared statement: bind parameters (numbered from 1), step, read columns (numbered from 0).
/// Owned and reset by its `SQLiteConnection`.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private unowned let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    func bind(_ value: String, at index: Int32) throws {
        try check(sqlite3_bind_text(handle, index, value, -1, sqliteTransient()))
    }

    func bind(_ floats: [Float], at index: Int32) throws {
        try floats.withUnsafeBytes {
            try check(sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), sqliteTransient()))
        }
    }

    func bind(_ data: Data, at index: Int32) throws {
        try data.withUnsafeBytes {
            try check(sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), sqliteTransient()))
        }
    }

    /// Advances to the next row; false when there is none.
    @discardableResult
    func step() throws -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.failure(result, "running \(String(cString: sqlite3_sql(handle)))")
        }
    }

    func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    func text(at column: Int32) -> String {
        sqlite3_column_text(handle, column).map { String(cString: $0) } ?? ""
    }

    func data(at column: Int32) -> Data {
        let byteCount = Int(sqlite3_column_bytes(handle, column))
        guard let blob = sqlite3_column_blob(handle, column) else { return Data() }
        return Data(bytes: blob, count: byteCount)
    }

    /// The column's blob as floats, or nil if its length is not `count` floats.
    func floats(at column: Int32, count: Int) -> [Float]? {
        let byteCount = Int(sqlite3_column_bytes(handle, column))
        guard byteCount == count * 4 else { return nil }
        guard let blob = sqlite3_column_blob(handle, column) else { return count == 0 ? [] : nil }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(start: blob, count: byteCount))
            initialized = count
        }
    }

    private func check(_ result: Int32) throws {
        guard result == SQLITE_OK else { throw connection.failure(result, "binding a parameter") }
    }
}
