import CLibPQ
import Foundation
import Glibc

/// Listens on a connection of its own for what other exporters sharing the database changed (issue 20): triggers of
/// the schema's version 13 `NOTIFY heartbeat_exporter` with `silences`, `acknowledgements` or `agents` when an operator
/// changes one (a kill, a resume, a stop, maintenance, a deletion).
public final class PostgresChangeListener: @unchecked Sendable {
    // @unchecked: `handle` is used only by the one thread that calls `wait`, and by deinit.
    private var handle: OpaquePointer?
    private let connectionString: String

    /// The channel the schema's triggers notify.
    public static let channel = "heartbeat_exporter"

    /// What one wait brought.
    public enum Event: Equatable, Sendable {
        /// These payloads were notified (each once, however often it came).
        case notified(Set<String>)
        /// Listening started anew: notifications made while not listening are lost, so everything is to be read.
        case listeningAgain
        /// Nothing came within the wait, or the server cannot be reached now.
        case nothing
    }

    /// Prepares the listener; it connects at the first ``wait(milliseconds:)``.
    public init(connectionString: String) {
        self.connectionString = connectionString
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Waits up to `milliseconds` for notifications. Call it from one thread only.
    public func wait(milliseconds: Int32) -> Event {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return listen(waitingOnFailure: milliseconds) }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready > 0, PQconsumeInput(handle) == 0 {
            PQfinish(handle)
            self.handle = nil
            return .nothing
        }
        var payloads = Set<String>()
        while let notification = PQnotifies(handle) {
            payloads.insert(String(cString: notification.pointee.extra))
            PQfreemem(notification)
        }
        return payloads.isEmpty ? .nothing : .notified(payloads)
    }

    private func listen(waitingOnFailure milliseconds: Int32) -> Event {
        if let handle { PQfinish(handle) }
        handle = PostgresDedicatedConnection.open(connectionString)
        guard let handle, let result = PQexec(handle, "LISTEN \(Self.channel)") else {
            usleep(UInt32(milliseconds) * 1_000)
            return .nothing
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else {
            PQfinish(handle)
            self.handle = nil
            usleep(UInt32(milliseconds) * 1_000)
            return .nothing
        }
        return .listeningAgain
    }
}
