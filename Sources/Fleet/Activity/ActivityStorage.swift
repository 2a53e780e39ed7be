import Model

/// Where agents' 5-minute activity buckets, and the fleet's per bucket (``FleetActivityPoint``), are kept. Writes come in batches from ``FleetActivity/flush()`` on the
/// maintenance thread, never from the heartbeat path. `Storage` implements it on SQLite and PostgreSQL,
/// `TestSupport` in memory; a forgotten agent's buckets go with its row (``AgentStorage/apply(_:)``).
public protocol ActivityStorage: Sendable {
    /// Inserts `buckets`, replacing a stored one of the same agent and start, in one transaction.
    /// - Throws: ``StorageError`` when the write fails; nothing is then written.
    func saveActivity(_ buckets: [ActivityBucket]) throws(StorageError)

    /// `agent`'s buckets that start in `from..<to`, oldest first.
    /// - Throws: ``StorageError`` when they cannot be read.
    func activity(of agent: String, from: Timestamp, to: Timestamp) throws(StorageError) -> [ActivityBucket]

    /// Deletes every bucket and fleet point that starts before `cutoff`.
    /// - Throws: ``StorageError`` when the write fails.
    func deleteActivity(before cutoff: Timestamp) throws(StorageError)

    /// Adds the fleet's `points` to the stored ones of the same start, in one transaction: each point's cost is added
    /// (several exporters sharing the store each write what their own agents reported), its agents per state, when
    /// not nil, replace the stored ones.
    /// - Throws: ``StorageError`` when the write fails; nothing is then written.
    func saveFleetActivity(_ points: [FleetActivityPoint]) throws(StorageError)

    /// The fleet's points that start in `from..<to`, oldest first.
    /// - Throws: ``StorageError`` when they cannot be read.
    func fleetActivity(from: Timestamp, to: Timestamp) throws(StorageError) -> [FleetActivityPoint]
}
