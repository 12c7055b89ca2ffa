import Foundation
import Parallelism
import SearchBackend
import Synchronization

/// A collection's records in `records.sqlite`: the source of truth the in-memory index is built from.
///
/// Every change runs in one transaction that is committed and fsynced (WAL, `synchronous=FULL`)
/// before the call returns, so an acknowledged write survives `kill -9` and power loss. Each added
/// image and each removal takes the next *sequence number* (kept in `meta`), and removals leave a
/// row in `removals`: a snapshot that records the number it includes is brought up to date by
/// replaying only what came after.
final class RecordStore: Sendable {
    static let fileName = "records.sqlite"

    private static let schema = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value NOT NULL);
        CREATE TABLE IF NOT EXISTS images (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            sha256 TEXT NOT NULL,
            vector BLOB NOT NULL,
            metadata TEXT NOT NULL,
            sequence INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS images_by_sha256 ON images (sha256);
        CREATE INDEX IF NOT EXISTS images_by_sequence ON images (sequence);
        CREATE TABLE IF NOT EXISTS removals (id INTEGER PRIMARY KEY, sequence INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS local_features (id INTEGER PRIMARY KEY, features BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS removals_by_sequence ON removals (sequence);
        """

    let path: String
    let dimension: Int
    /// The one connection that writes; nil once closed. Its lock serialises writers.
    private let writer: Mutex<SQLiteConnection?>
    private let readers: ConnectionPool

    /// Opens (creating if needed) the store in `directory`, bound to `model`: a store created by
    /// another model is refused with `modelMismatch`. `index` is recorded as the collection's index.
    init(directory: URL, collection: String, model: ModelIdentity, index: IndexSpec) throws {
        path = directory.appendingPathComponent(Self.fileName).path
        dimension = model.dimension
        let isNew = !FileManager.default.fileExists(atPath: path)
        let connection = try SQLiteConnection(path: path, create: true)
        try Self.enableDurableWrites(connection)
        try connection.withWriteTransaction {
            try connection.execute(Self.schema)
            try Self.bind(connection, collection: collection, to: model, index: index)
        }
        if isNew { try DurableFiles.syncDirectory(directory) }
        writer = Mutex(connection)
        readers = ConnectionPool(path: path)
    }

    func close() {
        writer.withLock { $0 = nil }
        readers.close()
    }

    // MARK: Writes

    /// Adds the images in one transaction; returns their ids and the sequence number after them.
    func insert(_ images: [NewImage]) throws -> (ids: [Int64], sequence: Int64) {
        try withWriter { db in
            try db.withWriteTransaction {
                var sequence = try Self.sequence(db)
                var ids: [Int64] = []
                for image in images {
                    sequence += 1
                    ids.append(try Self.insertRow(image, sequence: sequence, db))
                }
                try Self.setMeta("sequence", to: sequence, db)
                return (ids, sequence)
            }
        }
    }

    /// Removes the images in one transaction, leaving a tombstone for each; returns the ids that
    /// existed and the sequence number after the removals.
    func remove(ids: [Int64]) throws -> (removed: [Int64], sequence: Int64) {
        try withWriter { db in
            try db.withWriteTransaction {
                var sequence = try Self.sequence(db)
                var removed: [Int64] = []
                for id in ids {
                    guard try Self.deleteRow(id, sequence: sequence + 1, db) else { continue }
                    sequence += 1
                    removed.append(id)
                }
                try Self.setMeta("sequence", to: sequence, db)
                return (removed, sequence)
            }
        }
    }

    /// Replaces the collection's settings (kept in `meta` as JSON) in one durable transaction.
    func save(_ settings: CollectionSettings) throws {
        try withWriter { db in
            try db.withWriteTransaction { try Self.setMeta("settings", to: Self.encodeJSON(settings), db) }
        }
    }

    // MARK: Reads

    func record(id: Int64, includeVector: Bool) throws -> ImageRecord? {
        try readers.withConnection { db in
            try fetchRecord(where: "id = ?", includeVector: includeVector, db) { try $0.bind(id, at: 1) }
        }
    }

    func record(name: String, includeVector: Bool) throws -> ImageRecord? {
        try readers.withConnection { db in
            try fetchRecord(where: "name = ?", includeVector: includeVector, db) { try $0.bind(name, at: 1) }
        }
    }

    /// The oldest image with this content, if any.
    func record(contentSHA256: String) throws -> ImageRecord? {
        try readers.withConnection { db in
            try fetchRecord(where: "sha256 = ?", includeVector: false, db) { try $0.bind(contentSHA256, at: 1) }
        }
    }

    /// The records (without vectors) of those `ids` that exist, read in one transaction.
    func records(ids: [Int64]) throws -> [Int64: ImageRecord] {
        try readers.withConnection { db in
            try db.withReadTransaction {
                var records: [Int64: ImageRecord] = [:]
                for id in ids {
                    records[id] = try fetchRecord(where: "id = ?", includeVector: false, db) { try $0.bind(id, at: 1) }
                }
                return records
            }
        }
    }

    /// Up to `limit` ids greater than `id`, in increasing order.
    func ids(after id: Int64, limit: Int) throws -> [Int64] {
        try readers.withConnection { db in
            try db.withStatement("SELECT id FROM images WHERE id > ? ORDER BY id LIMIT ?") {
                try $0.bind(id, at: 1)
                try $0.bind(Int64(limit), at: 2)
                var ids: [Int64] = []
                while try $0.step() { ids.append($0.int64(at: 0)) }
                return ids
            }
        }
    }

    /// The collection's settings as last saved; none saved, the defaults.
    func settings() throws -> CollectionSettings {
        let json = try readers.withConnection { db in
            try db.withStatement("SELECT value FROM meta WHERE key = 'settings'") { try $0.step() ? $0.text(at: 0) : nil }
        }
        guard let json else { return CollectionSettings() }
        guard let settings = try? JSONDecoder().decode(CollectionSettings.self, from: Data(json.utf8)) else {
            throw BackendError(.storageFailure, "\(path): the collection's settings are unreadable; the database is damaged")
        }
        return settings
    }

    /// The stored local features of those `ids` that have them, read in `parts` runs at once, each
    /// on its own connection in one transaction: a search reads 40 (36 kB each, nine pages read one
    /// at a time), 1.4 ms on one thread and 0.9 ms on two. An id's features never change, so the
    /// runs need no common snapshot; one removed meanwhile is simply missing.
    func localFeatures(ids: [Int64], parts: Int) throws -> [Int64: Data] {
        let parts = max(1, min(parts, ids.count))
        let runs = Mutex<[Result<[Int64: Data], any Error>]>([])
        WorkerThreads.shared.perform(iterations: parts) { part in
            let run = Result { try localFeatures(ids: ids[(ids.count * part / parts)..<(ids.count * (part + 1) / parts)]) }
            runs.withLock { $0.append(run) }
        }
        return try runs.withLock { $0 }.reduce(into: [:]) { features, run in features.merge(try run.get()) { first, _ in first } }
    }

    private func localFeatures(ids: ArraySlice<Int64>) throws -> [Int64: Data] {
        try readers.withConnection { db in
            try db.withReadTransaction {
                var features: [Int64: Data] = [:]
                for id in ids {
                    features[id] = try db.withStatement("SELECT features FROM local_features WHERE id = ?") {
                        try $0.bind(id, at: 1)
                        return try $0.step() ? $0.data(at: 0) : nil
                    }
                }
                return features
            }
        }
    }

    /// Replays the changes after sequence number `after` (0: everything) in one read transaction:
    /// rows added since, in batches of `batchSize`, then the ids removed since. Returns the sequence
    /// number and the image count the replay brings the caller to.
    func replayChanges(
        after sequence: Int64, batchSize: Int,
        added: ([Int64], [[Float]]) -> Void, removed: ([Int64]) -> Void
    ) throws -> (sequence: Int64, count: Int) {
        try readers.withConnection { db in
            try db.withReadTransaction {
                try replayAdditions(after: sequence, batchSize: batchSize, db, added)
                removed(try db.withStatement("SELECT id FROM removals WHERE sequence > ? ORDER BY sequence") {
                    try $0.bind(sequence, at: 1)
                    var ids: [Int64] = []
                    while try $0.step() { ids.append($0.int64(at: 0)) }
                    return ids
                })
                let count = try db.withStatement("SELECT count(*) FROM images") { try $0.step() ? Int($0.int64(at: 0)) : 0 }
                return (try Self.sequence(db), count)
            }
        }
    }

    private func replayAdditions(after sequence: Int64, batchSize: Int, _ db: SQLiteConnection, _ added: ([Int64], [[Float]]) -> Void) throws {
        var ids: [Int64] = [], vectors: [[Float]] = []
        try db.withStatement("SELECT id, vector FROM images WHERE sequence > ? ORDER BY sequence") {
            try $0.bind(sequence, at: 1)
            while try $0.step() {
                let id = $0.int64(at: 0)
                guard let vector = $0.floats(at: 1, count: dimension) else { throw damagedVector(id: id) }
                ids.append(id)
                vectors.append(vector)
                if ids.count == batchSize {
                    added(ids, vectors)
                    ids.removeAll(keepingCapacity: true)
                    vectors.removeAll(keepingCapacity: true)
                }
            }
        }
        if !ids.isEmpty { added(ids, vectors) }
    }

    private func fetchRecord(
        where condition: String, includeVector: Bool, _ db: SQLiteConnection, bind: (SQLiteStatement) throws -> Void
    ) throws -> ImageRecord? {
        let columns = includeVector ? "id, name, sha256, metadata, vector" : "id, name, sha256, metadata"
        return try db.withStatement("SELECT \(columns) FROM images WHERE \(condition) ORDER BY id LIMIT 1") { row in
            try bind(row)
            guard try row.step() else { return nil }
            let id = row.int64(at: 0)
            var vector: [Float]?
            if includeVector {
                guard let stored = row.floats(at: 4, count: dimension) else { throw damagedVector(id: id) }
                vector = stored
            }
            return ImageRecord(id: id, name: row.text(at: 1), contentSHA256: row.text(at: 2), metadata: try decodeMetadata(row.text(at: 3), id: id), vector: vector)
        }
    }

    private func withWriter<Result: Sendable>(_ body: (SQLiteConnection) throws -> Result) throws -> Result {
        try writer.withLock { connection in
            guard let connection else { throw BackendError(.storageFailure, "\(path) is closed") }
            return try body(connection)
        }
    }

    private func damagedVector(id: Int64) -> BackendError {
        BackendError(.storageFailure, "\(path): the vector of image \(id) is not \(dimension) floats; the database is damaged")
    }

    private func decodeMetadata(_ json: String, id: Int64) throws -> [String: String] {
        // Most images have none: decoding their "{}" took a search's 40 record reads from 0.6 to 0.9 ms.
        if json == "{}" { return [:] }
        guard let metadata = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
            throw BackendError(.storageFailure, "\(path): the metadata of image \(id) is not a JSON object of strings; the database is damaged")
        }
        return metadata
    }

    // MARK: Set-up and meta

    /// WAL lets readers work while a write commits; FULL makes every commit fsync the WAL.
    private static func enableDurableWrites(_ db: SQLiteConnection) throws {
        let mode = try db.withStatement("PRAGMA journal_mode = WAL") { try $0.step() ? $0.text(at: 0) : "" }
        guard mode.lowercased() == "wal" else {
            throw BackendError(.storageFailure, "\(db.path): cannot switch to write-ahead logging (journal mode is '\(mode)'); is the file system local?")
        }
        try db.execute("PRAGMA synchronous = FULL")
    }

    /// The model the store in `directory` is bound to; nil when there is none there yet.
    static func recordedModel(inDirectory directory: URL) throws -> ModelIdentity? {
        let path = directory.appendingPathComponent(fileName).path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try recordedModel(SQLiteConnection(path: path, create: false))
    }

    /// Nil for a store whose creation never committed (no `meta` table, or no model in it).
    private static func recordedModel(_ db: SQLiteConnection) throws -> ModelIdentity? {
        let hasMeta = try db.withStatement("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'") {
            try $0.step() && $0.int64(at: 0) > 0
        }
        guard hasMeta else { return nil }
        let stored = try db.withStatement("SELECT value FROM meta WHERE key = 'model'") { try $0.step() ? $0.text(at: 0) : nil }
        guard let stored else { return nil }
        guard let model = try? JSONDecoder().decode(ModelIdentity.self, from: Data(stored.utf8)) else {
            throw BackendError(.storageFailure, "\(db.path): the recorded model is unreadable; the database is damaged")
        }
        return model
    }

    /// Records model and index in a new store; checks the model of an existing one.
    private static func bind(_ db: SQLiteConnection, collection: String, to model: ModelIdentity, index: IndexSpec) throws {
        if let storedModel = try recordedModel(db) {
            guard storedModel == model else {
                throw BackendError(.modelMismatch, """
                    collection '\(collection)' holds vectors of model \(storedModel), but this service runs model \(model); \
                    vectors of different models cannot be compared. The data directory \(db.path) belongs to the other model: \
                    start the service with that model and recipe (--model, --embedding), or give this model its own data directory or collection.
                    """)
            }
        } else {
            try setMeta("format", to: Int64(1), db)
            try setMeta("model", to: encodeJSON(model), db)
            try setMeta("sequence", to: Int64(0), db)
        }
        try setMeta("index", to: encodeJSON(index), db)
    }

    /// Returns the new row's id. The name is checked first so that the error can name the image.
    private static func insertRow(_ image: NewImage, sequence: Int64, _ db: SQLiteConnection) throws -> Int64 {
        try checkNameIsFree(image.name, db)
        try db.withStatement("INSERT INTO images (name, sha256, vector, metadata, sequence) VALUES (?, ?, ?, ?, ?)") {
            try $0.bind(image.name, at: 1)
            try $0.bind(image.contentSHA256, at: 2)
            try $0.bind(image.vector, at: 3)
            try $0.bind(encodeJSON(image.metadata), at: 4)
            try $0.bind(sequence, at: 5)
            try $0.step()
        }
        let id = db.lastInsertedRowID
        if let features = image.localFeatures {
            try db.withStatement("INSERT INTO local_features (id, features) VALUES (?, ?)") {
                try $0.bind(id, at: 1)
                try $0.bind(features, at: 2)
                try $0.step()
            }
        }
        return id
    }

    /// Deletes the row and records its removal under `sequence`; false if there was no such row.
    private static func deleteRow(_ id: Int64, sequence: Int64, _ db: SQLiteConnection) throws -> Bool {
        try db.withStatement("DELETE FROM images WHERE id = ?") {
            try $0.bind(id, at: 1)
            try $0.step()
        }
        guard db.changedRowCount == 1 else { return false }
        try db.withStatement("DELETE FROM local_features WHERE id = ?") {
            try $0.bind(id, at: 1)
            try $0.step()
        }
        try db.withStatement("INSERT INTO removals (id, sequence) VALUES (?, ?)") {
            try $0.bind(id, at: 1)
            try $0.bind(sequence, at: 2)
            try $0.step()
        }
        return true
    }

    private static func checkNameIsFree(_ name: String, _ db: SQLiteConnection) throws {
        let taken = try db.withStatement("SELECT 1 FROM images WHERE name = ?") {
            try $0.bind(name, at: 1)
            return try $0.step()
        }
        if taken { throw BackendError(.nameTaken, "an image named '\(name)' already exists in this collection") }
    }

    private static func sequence(_ db: SQLiteConnection) throws -> Int64 {
        try db.withStatement("SELECT value FROM meta WHERE key = 'sequence'") { try $0.step() ? $0.int64(at: 0) : 0 }
    }

    private static func setMeta(_ key: String, to value: Int64, _ db: SQLiteConnection) throws {
        try upsertMeta(key, db) { try $0.bind(value, at: 2) }
    }

    private static func setMeta(_ key: String, to value: String, _ db: SQLiteConnection) throws {
        try upsertMeta(key, db) { try $0.bind(value, at: 2) }
    }

    private static func upsertMeta(_ key: String, _ db: SQLiteConnection, bindValue: (SQLiteStatement) throws -> Void) throws {
        try db.withStatement("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value") {
            try $0.bind(key, at: 1)
            try bindValue($0)
            try $0.step()
        }
    }

    private static func encodeJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
