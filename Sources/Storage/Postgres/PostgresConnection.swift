import CLibPQ
import Foundation
import GRDB
import Model

/// One libpq connection, used synchronously (`PQexecParams`) by one caller at a time: the PostgreSQL counterpart
/// of SQLite's serial writer. Every value goes to the server as a parameter (`$1`, `$2`, …), never inside the SQL.
///
/// A dropped connection (the server restarted, a network cut) is noticed by the statement that fails on it. The
/// connection is then reset (`PQreset`) and the whole transaction runs once more on the new connection, because the
/// server rolled back what the old one had begun. Only a failure at `COMMIT` itself is not retried: the commit may or
/// may not have happened, and the caller is told so instead of risking the work twice.
final class PostgresConnection: @unchecked Sendable {
    // @unchecked: `handle` is read and written only with `lock` held; libpq's PGconn is not thread-safe.
    private let lock = NSLock()
    private var handle: OpaquePointer?
    /// Where the connection goes, without its password: what every error names.
    let target: String

    /// Connects with `connectionString` (a libpq keyword/value string or a `postgresql://` URI).
    /// - Throws: ``StorageError`` naming the host, port, database and user (never the password) and libpq's reason.
    init(connectionString: String) throws(StorageError) {
        // Defaults first: the connection string's own settings override them (libpq's expand_dbname rule).
        let keywords = ["connect_timeout", "application_name", "dbname"]
        let values = ["10", "heartbeat-exporter", connectionString]
        let connection = Self.connect(keywords: keywords, values: values)
        target = PostgresConnectionString.describe(connection)
        handle = connection
        // The server's notices (`CREATE TABLE IF NOT EXISTS` skipping) would go to stderr between the log lines.
        PQsetNoticeProcessor(connection, ignoreNotice, nil)
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = Self.errorMessage(connection)
            PQfinish(connection)
            handle = nil
            throw StorageError(path: target, message: "cannot connect to PostgreSQL: \(reason)")
        }
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Runs `work` in one transaction, retried once on a fresh connection when the old one dropped before `COMMIT`.
    /// - Parameter what: what the work does, for the error (`"saving silences"`).
    /// - Throws: ``StorageError`` naming the server and what failed; nothing of `work` is then committed, except when
    ///   the connection dropped during `COMMIT` (the error says so).
    @discardableResult
    func transaction<T>(_ what: String, _ work: (PostgresSession) throws -> T) throws(StorageError) -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        while true {
            attempt += 1
            let session = try connected(for: what)
            var committing = false
            do {
                try session.execute("BEGIN")
                let result = try work(session)
                committing = true
                try session.execute("COMMIT")
                return result
            } catch {
                let dropped = PQstatus(session.handle) == CONNECTION_BAD
                if !dropped { _ = try? session.execute("ROLLBACK") }
                if dropped && !committing && attempt == 1 { continue }
                let outcome =
                    committing && dropped ? " (the connection dropped during COMMIT: it may have been applied)" : ""
                throw StorageError(path: target, message: "\(what) failed\(outcome): \(error)")
            }
        }
    }

    /// Runs `work` outside a transaction (reads, the migration lock), retried once on a fresh connection when the old
    /// one had dropped. Use ``transaction(_:_:)`` for writes.
    @discardableResult
    func session<T>(_ what: String, _ work: (PostgresSession) throws -> T) throws(StorageError) -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        while true {
            attempt += 1
            let session = try connected(for: what)
            do {
                return try work(session)
            } catch {
                if PQstatus(session.handle) == CONNECTION_BAD && attempt == 1 { continue }
                throw StorageError(path: target, message: "\(what) failed: \(error)")
            }
        }
    }

    /// The session, after a reset when the connection had dropped. Called with `lock` held.
    private func connected(for what: String) throws(StorageError) -> PostgresSession {
        guard let handle else { throw StorageError(path: target, message: "\(what) failed: no connection") }
        if PQstatus(handle) != CONNECTION_OK {
            PQreset(handle)
            guard PQstatus(handle) == CONNECTION_OK else {
                throw StorageError(
                    path: target,
                    message: "\(what) failed: cannot reconnect to PostgreSQL: \(Self.errorMessage(handle))")
            }
        }
        return PostgresSession(handle: handle)
    }

    private static func connect(keywords: [String], values: [String]) -> OpaquePointer? {
        let keywordPointers = keywords.map { strdup($0) } + [nil]
        let valuePointers = values.map { strdup($0) } + [nil]
        defer {
            keywordPointers.forEach { free($0) }
            valuePointers.forEach { free($0) }
        }
        return keywordPointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordBuffer in
            valuePointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { valueBuffer in
                PQconnectdbParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 1)
            }
        }
    }

    /// libpq's last message on `connection`, on one line.
    static func errorMessage(_ connection: OpaquePointer?) -> String {
        guard let connection else { return "out of memory" }
        let message = String(cString: PQerrorMessage(connection))
        return message.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }
}

/// Drops a notice of the server; warnings that matter come back as errors of the statement.
private func ignoreNotice(_ context: UnsafeMutableRawPointer?, _ message: UnsafePointer<CChar>?) {}
