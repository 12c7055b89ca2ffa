import CSQLite
import Foundation

/// Changes a collection's database behind the backend's back, through a second connection, to make
/// its writes fail on demand (chmod cannot, since the tests may run as root).
enum StoreTampering {
    static func execute(_ sql: String, on database: URL) throws {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(database.path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            sqlite3_close_v2(handle)
            throw TamperingFailed(message: "cannot open \(database.path)")
        }
        defer { sqlite3_close_v2(handle) }
        sqlite3_busy_timeout(handle, 10_000)
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw TamperingFailed(message: String(cString: sqlite3_errmsg(handle)))
        }
    }

    struct TamperingFailed: Error {
        var message: String
    }
}
