import Fleet
import GRDB
import Model

extension PostgresStorage: ActivityStorage {
    /// Writes buckets in one transaction; one of an agent and start already stored has the new counts added.
    public func saveActivity(_ buckets: [ActivityBucket]) throws(StorageError) {
        guard !buckets.isEmpty else { return }
        try connection.transaction("saving agent activity") { session in
            try session.executeBatch(ActivityRow.upsertSQL { "$\($0)" }, buckets.map(ActivityRow.values))
        }
    }

    /// The agent's buckets starting in `from..<to`, oldest first.
    public func activity(of agent: String, from: Timestamp, to: Timestamp) throws(StorageError) -> [ActivityBucket] {
        try connection.session("reading agent activity") { session in
            try session.execute(
                "SELECT * FROM agent_activity WHERE agent = $1 AND start >= $2 AND start < $3 ORDER BY start",
                [agent, from.milliseconds, to.milliseconds])
        }.map(ActivityRow.bucket)
    }

    /// Deletes the buckets and fleet points that start before `cutoff`.
    public func deleteActivity(before cutoff: Timestamp) throws(StorageError) {
        try connection.transaction("deleting old agent activity") { session in
            try session.execute("DELETE FROM agent_activity WHERE start < $1", [cutoff.milliseconds])
            try session.execute("DELETE FROM fleet_activity WHERE start < $1", [cutoff.milliseconds])
        }
    }

    /// Writes the fleet's points in one transaction, adding each to the stored one of the same start.
    public func saveFleetActivity(_ points: [FleetActivityPoint]) throws(StorageError) {
        guard !points.isEmpty else { return }
        try connection.transaction("saving fleet activity") { session in
            try session.executeBatch(FleetActivityRow.upsertSQL { "$\($0)" }, points.map(FleetActivityRow.values))
        }
    }

    /// The fleet's points starting in `from..<to`, oldest first.
    public func fleetActivity(from: Timestamp, to: Timestamp) throws(StorageError) -> [FleetActivityPoint] {
        try connection.session("reading fleet activity") { session in
            try session.execute(
                "SELECT * FROM fleet_activity WHERE start >= $1 AND start < $2 ORDER BY start",
                [from.milliseconds, to.milliseconds])
        }.map(FleetActivityRow.point)
    }
}
