import Fleet
import GRDB
import Model

/// The exporter's state in PostgreSQL, behind the same storage protocols as ``SQLiteStorage`` (agents, alert
/// state, the rules' sample history, silences, the notification log, recovery runs) with the same tables and
/// schema versions: what several exporters share (issue 20) when started with `--storage.postgres.dsn-file`.
///
/// One libpq connection, used by one caller at a time, as SQLite's serial writer; each protocol call is one
/// transaction, committed before it returns, so an operator action is in the database before it is acknowledged.
/// Not for a single node that needs nothing shared: SQLite stays the embedded default.
public final class PostgresStorage: AgentStorage {
    /// How many transitions are kept per agent, as in SQLite.
    public static let storedHistoryLimit = SQLiteStorage.storedHistoryLimit

    let connection: PostgresConnection

    /// Connects and brings the schema up to date, waiting for another exporter that is migrating the same database.
    /// - Parameter connectionString: A libpq connection string (`host=… port=… dbname=… user=…`) or URI.
    /// - Throws: ``StorageError`` naming the server (`postgresql://user@host:port/database`, never the password) when
    ///   it cannot be reached or migrated.
    public init(connectionString: String) throws(StorageError) {
        connection = try PostgresConnection(connectionString: connectionString)
        try connection.session("migrating the schema") { session in try PostgresSchema.migrate(session) }
    }

    /// Where the storage is, without the password: `postgresql://user@host:port/database`.
    public var location: String { connection.target }

    /// Applies a batch of changes in one transaction: deletions, then agent rows, then history.
    public func apply(_ changes: FleetChanges) throws(StorageError) {
        guard !changes.isEmpty else { return }
        try connection.transaction("writing agents") { session in
            try Self.lockFleetWrites(session)
            for name in changes.deletions {
                try session.execute("DELETE FROM agent WHERE name = $1", [name])
                try session.execute("DELETE FROM transition WHERE agent = $1", [name])
                try session.execute("DELETE FROM agent_activity WHERE agent = $1", [name])
                try Self.bury(name, session)
            }
            // Counters move only by receipts, after the rows exist: a beat retried to another node counts once.
            try Self.upsert(changes.upserts, controlled: changes.controlled, session)
            try session.executeBatch(
                "INSERT INTO transition (agent, from_state, to_state, at, reason) VALUES ($1, $2, $3, $4, $5)",
                changes.transitions.map { transition in
                    [
                        transition.agent, transition.from?.rawValue, transition.to.rawValue, transition.at.seconds,
                        transition.reason,
                    ]
                })
            for agent in Set(changes.transitions.map(\.agent)) {
                try session.execute(
                    """
                    DELETE FROM transition WHERE agent = $1 AND id < (
                        SELECT min(id) FROM (SELECT id FROM transition WHERE agent = $1 ORDER BY id DESC LIMIT $2) newest)
                    AND id < coalesce((SELECT max(id) FROM transition WHERE agent = $1 AND at < $3), 0)
                    """, [agent, Self.storedHistoryLimit, TransitionRow.prunedBefore(changes)])
            }
            try Self.applyReceipts(changes.receipts, session)
        }
    }

    /// Checks that the server answers on the storage's connection (reconnecting when it dropped).
    public func checkWritable() throws(StorageError) {
        _ = try connection.session("checking the connection") { session in try session.execute("SELECT 1") }
    }

    /// Every stored agent with its most recent `historyLimit` transitions, for a restart.
    public func loadAgents(historyLimit: Int) throws(StorageError) -> [AgentRecord] {
        try connection.transaction("reading agents") { session in
            var records = try session.execute("SELECT * FROM agent ORDER BY name").map(AgentRow.record(from:))
            let histories = TransitionRow.byAgent(
                try session.execute(TransitionRow.recentOfEveryAgentSQL(placeholder: "$1"), [historyLimit])
                    .map { TransitionRow.agentTransition(NamedRow($0)) })
            for index in records.indices { records[index].history = histories[records[index].name] ?? [] }
            return records
        }
    }

    /// The stored history of one agent, oldest first, at most `limit` entries (the most recent ones).
    public func history(of agent: String, limit: Int) throws(StorageError) -> [Transition] {
        try connection.session("reading history") { session in try Self.history(session, of: agent, limit: limit) }
    }

    private static func history(_ session: PostgresSession, of agent: String, limit: Int) throws -> [Transition] {
        let rows = try session.execute(
            "SELECT * FROM transition WHERE agent = $1 ORDER BY id DESC LIMIT $2", [agent, limit])
        return rows.reversed().compactMap { TransitionRow.transition($0, agent: agent) }
    }

    /// The agent's transitions since `since`, preceded by the last one before it, oldest first.
    public func history(of agent: String, since: Timestamp) throws(StorageError) -> [Transition] {
        try connection.session("reading history") { session in
            try session.execute(
                """
                SELECT * FROM transition WHERE agent = $1 AND id >= coalesce(
                    (SELECT max(id) FROM transition WHERE agent = $1 AND at < $2),
                    (SELECT min(id) FROM transition WHERE agent = $1 AND at >= $2), 0)
                ORDER BY id
                """, [agent, since.seconds])
        }.compactMap { TransitionRow.transition($0, agent: agent) }
    }
}
