import CLibPQ
import Foundation
import Model

/// Where the PostgreSQL connection string comes from: `--storage.postgres.dsn-file FILE` (so no password shows on the
/// command line or in `ps`), or the environment variable ``environmentVariable``.
public enum PostgresConnectionString {
    /// The environment variable read when no file is given.
    public static let environmentVariable = "HEARTBEAT_EXPORTER_POSTGRES_DSN"

    /// The connection string to use, nil for none (SQLite is then the storage).
    ///
    /// The file wins over the environment; its surrounding whitespace (a trailing newline) is dropped.
    /// - Parameters:
    ///   - file: The `--storage.postgres.dsn-file` path, nil when the flag was not given.
    ///   - environment: The process's environment.
    /// - Throws: ``StorageError`` naming the file when it cannot be read or is empty.
    public static func resolve(file: String?, environment: [String: String]) throws(StorageError) -> String? {
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw StorageError(path: file, message: "--storage.postgres.dsn-file: cannot read the file")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw StorageError(path: file, message: "--storage.postgres.dsn-file: the file is empty")
            }
            return trimmed
        }
        let value = environment[environmentVariable]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return value.isEmpty ? nil : value
    }

    /// `postgresql://user@host:port/database` of a connection, made or failed: what errors and logs name. Never the
    /// password.
    static func describe(_ connection: OpaquePointer?) -> String {
        guard let connection else { return "postgresql" }
        func text(_ value: UnsafeMutablePointer<CChar>?) -> String { value.map { String(cString: $0) } ?? "" }
        let host = text(PQhost(connection)), port = text(PQport(connection))
        let user = text(PQuser(connection)), database = text(PQdb(connection))
        let shownHost = host.hasPrefix("/") ? "[\(host)]" : host.contains(":") ? "[\(host)]" : host
        return "postgresql://\(user.isEmpty ? "" : "\(user)@")\(shownHost):\(port)/\(database)"
    }
}
