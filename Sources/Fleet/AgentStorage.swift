import Model

/// Where the fleet is kept across restarts: agents with their counters and state, and their state history.
///
/// The fleet defines what it needs; `Storage` implements it on SQLite, `TestSupport` in memory.
public protocol AgentStorage: Sendable {
    /// Writes `changes` in one transaction: deletions first, then upserts and new history entries.
    /// - Throws: ``StorageError`` when the write fails; nothing of `changes` is then written.
    func apply(_ changes: FleetChanges) throws(StorageError)

    /// Every stored agent, each with its most recent `historyLimit` transitions.
    /// - Throws: ``StorageError`` when the agents cannot be read.
    func loadAgents(historyLimit: Int) throws(StorageError) -> [AgentRecord]

    /// The most recent `limit` transitions of `agent`, oldest first.
    /// - Throws: ``StorageError`` when the history cannot be read.
    func history(of agent: String, limit: Int) throws(StorageError) -> [Transition]

    /// `agent`'s transitions at or after `since`, however many, preceded by the last one before `since` (the state at
    /// `since`), oldest first.
    /// - Throws: ``StorageError`` when the history cannot be read.
    func history(of agent: String, since: Timestamp) throws(StorageError) -> [Transition]

    /// Checks that the storage can be written now, without writing (a database server's connection); storage that
    /// is always at hand (SQLite, memory) does nothing.
    /// - Throws: ``StorageError`` when it cannot.
    func checkWritable() throws(StorageError)
}

extension AgentStorage {
    /// Storage that is always at hand has nothing to check.
    public func checkWritable() throws(StorageError) {}

    /// Every stored agent with as much history as the registry keeps.
    public func loadAgents() throws(StorageError) -> [AgentRecord] {
        try loadAgents(historyLimit: AgentRecord.historyLimit)
    }
}
