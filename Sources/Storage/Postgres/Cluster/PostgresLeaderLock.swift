import CLibPQ
import Foundation
import Model

/// The rule evaluator's election among exporters sharing one PostgreSQL (issue 20): a session-level advisory lock
/// (`pg_try_advisory_lock`) held on a connection of its own. A node whose process dies loses its session, which frees
/// the lock at once; a node whose connection goes quiet is cut by TCP keepalives and `tcp_user_timeout`; a node that
/// hangs while its connection lives is ended by the others (``PostgresStorage/endStaleLeader(silentSince:)``).
public final class PostgresLeaderLock: @unchecked Sendable {
    // @unchecked: `handle` and `held` are read and written only with `lock` held; libpq's PGconn is not thread-safe.
    private let lock = NSLock()
    private var handle: OpaquePointer?
    private var held = false
    private let connectionString: String

    /// The advisory lock key of the election (the migration lock and fleet writes use others).
    public static let key: Int64 = 0x6862_6578_0003

    /// Prepares the election's connection; it is made at the first ``hold()``.
    /// - Parameter connectionString: the same libpq connection string as the storage's.
    public init(connectionString: String) {
        self.connectionString = connectionString
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Takes the lock if it is free, or checks that this session still holds it. Returns whether this node leads.
    /// A lost connection loses the lock (the server ended the session), and the next call connects again.
    public func hold() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let handle = connected() else {
            held = false
            return false
        }
        let query = held ? "SELECT true" : "SELECT pg_try_advisory_lock(\(Self.key))"
        guard let result = PQexec(handle, query) else { return drop() }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK, PQntuples(result) == 1 else { return drop() }
        held = String(cString: PQgetvalue(result, 0, 0)) == "t"
        return held
    }

    /// Gives the lead up: closes the session, which frees the lock for another node.
    public func release() {
        lock.lock()
        defer { lock.unlock() }
        _ = drop()
    }

    /// The server process of the election's session, which a stale leader's peers end; nil when not connected.
    public var sessionPID: Int32? {
        lock.lock()
        defer { lock.unlock() }
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return nil }
        return PQbackendPID(handle)
    }

    private func drop() -> Bool {
        if let handle { PQfinish(handle) }
        handle = nil
        held = false
        return false
    }

    /// The connection, made anew when there is none or it dropped. Called with `lock` held.
    private func connected() -> OpaquePointer? {
        if let handle, PQstatus(handle) == CONNECTION_OK { return handle }
        if let handle { PQfinish(handle) }
        held = false
        handle = PostgresDedicatedConnection.open(connectionString)
        return handle
    }
}

/// A connection of its own for the election and the listener: short connect timeout, TCP keepalives and a user
/// timeout, so that a dead peer or network is noticed within seconds rather than at the kernel's two hours.
enum PostgresDedicatedConnection {
    /// Settings given before the connection string's own (which override them).
    static let keywords = [
        "connect_timeout", "application_name", "keepalives", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "tcp_user_timeout", "dbname",
    ]

    /// Connects, or returns nil when the server cannot be reached now.
    static func open(_ connectionString: String) -> OpaquePointer? {
        let values = ["2", "heartbeat-exporter-cluster", "1", "2", "1", "3", "5000", connectionString]
        let keywordPointers = keywords.map { strdup($0) } + [nil]
        let valuePointers = values.map { strdup($0) } + [nil]
        defer {
            keywordPointers.forEach { free($0) }
            valuePointers.forEach { free($0) }
        }
        let connection = keywordPointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordBuffer in
            valuePointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { valueBuffer in
                PQconnectdbParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 1)
            }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            if let connection { PQfinish(connection) }
            return nil
        }
        return connection
    }
}
