import Fleet
import Foundation
import GRDB
import Model

/// The exporter's SQLite database (DESIGN §10), the embedded default behind every storage protocol: agents, their
/// counters, state and state history (``AgentStorage``), the rules' alerts (``AlertStateStorage``), silences
/// (``SilenceStorage``) and the notification log (``NotificationLogStorage``).
///
/// Writes go through one serial writer. Operator actions are committed before they are acknowledged by
/// draining the registry and calling ``apply(_:)`` right away; heartbeat changes are applied in batches.
public final class SQLiteStorage: AgentStorage {
    /// The file name of the database inside the storage directory.
    public static let fileName = "heartbeat-exporter.sqlite"
    /// How many transitions are kept per agent at least; older ones are pruned as new ones arrive, unless they are
    /// within ``FleetChanges/historyKeptSince``.
    public static let storedHistoryLimit = FleetChanges.storedHistoryLimit

    let database: DatabaseQueue

    /// Opens (creating if needed) the database in `directory` and brings its schema up to date.
    /// - Throws: ``StorageError`` naming the path when the directory or database cannot be opened.
    public init(directory: String) throws(StorageError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StorageError(
                path: directory, message: "cannot create storage directory: \(error.localizedDescription)")
        }
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            // FULL: a commit that was acknowledged survives even an OS crash, not only a killed process.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Schema.migrator.migrate(database)
        } catch {
            throw StorageError(path: path, message: "\(error)")
        }
    }

    /// Applies a batch of changes in one transaction: deletions, then agent rows, then history.
    public func apply(_ changes: FleetChanges) throws(StorageError) {
        guard !changes.isEmpty else { return }
        do {
            try database.write { db in
                for name in changes.deletions {
                    try db.cachedStatement(sql: "DELETE FROM agent WHERE name = ?").execute(arguments: [name])
                    try db.cachedStatement(sql: "DELETE FROM transition WHERE agent = ?").execute(arguments: [name])
                    try db.cachedStatement(sql: "DELETE FROM agent_activity WHERE agent = ?").execute(arguments: [name])
                }
                let upsert = try db.cachedStatement(sql: AgentRow.upsertSQL)
                for record in changes.upserts { try upsert.execute(arguments: AgentRow.arguments(for: record)) }
                let insert = try db.cachedStatement(sql: TransitionRow.insertSQL)
                for transition in changes.transitions {
                    try insert.execute(arguments: TransitionRow.arguments(for: transition))
                }
                let prune = try db.cachedStatement(sql: TransitionRow.pruneSQL)
                for agent in Set(changes.transitions.map(\.agent)) {
                    try prune.execute(arguments: [
                        agent, agent, Self.storedHistoryLimit, agent, TransitionRow.prunedBefore(changes),
                    ])
                }
            }
        } catch {
            throw StorageError(path: database.path, message: "write failed: \(error)")
        }
    }

    /// Every stored agent with its most recent `historyLimit` transitions, for a restart.
    public func loadAgents(historyLimit: Int) throws(StorageError) -> [AgentRecord] {
        do {
            // Rows are read in one transaction and decoded after it, on every core.
            let (agentRows, transitionRows) = try database.read { db in
                (
                    try Row.fetchAll(db, sql: "SELECT * FROM agent ORDER BY name"),
                    try Row.fetchAll(
                        db, sql: TransitionRow.recentOfEveryAgentSQL(placeholder: "?"), arguments: [historyLimit])
                )
            }
            var records = agentRows.decoded(AgentRow.record(from:))
            let histories = TransitionRow.byAgent(transitionRows.decoded(TransitionRow.agentTransition))
            for index in records.indices { records[index].history = histories[records[index].name] ?? [] }
            return records
        } catch {
            throw StorageError(path: database.path, message: "read failed: \(error)")
        }
    }

    /// The stored history of one agent, oldest first, at most `limit` entries (the most recent ones).
    public func history(of agent: String, limit: Int) throws(StorageError) -> [Transition] {
        do {
            return try database.read { db in try TransitionRow.recent(db, agent: agent, limit: limit) }
        } catch {
            throw StorageError(path: database.path, message: "read failed: \(error)")
        }
    }

    /// The agent's transitions since `since`, preceded by the last one before it, oldest first.
    public func history(of agent: String, since: Timestamp) throws(StorageError) -> [Transition] {
        do {
            return try database.read { db in try TransitionRow.since(db, agent: agent, since: since) }
        } catch {
            throw StorageError(path: database.path, message: "reading the history of \(agent) failed: \(error)")
        }
    }
}
