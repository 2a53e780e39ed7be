import Fleet
import GRDB
import Model

extension SQLiteStorage: ActivityStorage {
    /// Writes buckets in one transaction; one of an agent and start already stored has the new counts added.
    public func saveActivity(_ buckets: [ActivityBucket]) throws(StorageError) {
        guard !buckets.isEmpty else { return }
        do {
            try database.write { db in
                let insert = try db.cachedStatement(sql: ActivityRow.upsertSQL { _ in "?" })
                for bucket in buckets {
                    try insert.execute(arguments: StatementArguments(ActivityRow.values(bucket)))
                }
            }
        } catch {
            throw StorageError(path: database.path, message: "saving agent activity failed: \(error)")
        }
    }

    /// The agent's buckets starting in `from..<to`, oldest first.
    public func activity(of agent: String, from: Timestamp, to: Timestamp) throws(StorageError) -> [ActivityBucket] {
        do {
            return try database.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM agent_activity WHERE agent = ? AND start >= ? AND start < ? ORDER BY start",
                    arguments: [agent, from.milliseconds, to.milliseconds])
            }.map(ActivityRow.bucket)
        } catch {
            throw StorageError(path: database.path, message: "reading agent activity failed: \(error)")
        }
    }

    /// Deletes the buckets and fleet points that start before `cutoff`.
    public func deleteActivity(before cutoff: Timestamp) throws(StorageError) {
        do {
            try database.write { db in
                try db.execute(sql: "DELETE FROM agent_activity WHERE start < ?", arguments: [cutoff.milliseconds])
                try db.execute(sql: "DELETE FROM fleet_activity WHERE start < ?", arguments: [cutoff.milliseconds])
            }
        } catch {
            throw StorageError(path: database.path, message: "deleting old agent activity failed: \(error)")
        }
    }

    /// Writes the fleet's points in one transaction, adding each to the stored one of the same start.
    public func saveFleetActivity(_ points: [FleetActivityPoint]) throws(StorageError) {
        guard !points.isEmpty else { return }
        do {
            try database.write { db in
                let upsert = try db.cachedStatement(sql: FleetActivityRow.upsertSQL { _ in "?" })
                for point in points {
                    try upsert.execute(arguments: StatementArguments(FleetActivityRow.values(point)))
                }
            }
        } catch {
            throw StorageError(path: database.path, message: "saving fleet activity failed: \(error)")
        }
    }

    /// The fleet's points starting in `from..<to`, oldest first.
    public func fleetActivity(from: Timestamp, to: Timestamp) throws(StorageError) -> [FleetActivityPoint] {
        do {
            return try database.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM fleet_activity WHERE start >= ? AND start < ? ORDER BY start",
                    arguments: [from.milliseconds, to.milliseconds])
            }.map(FleetActivityRow.point)
        } catch {
            throw StorageError(path: database.path, message: "reading fleet activity failed: \(error)")
        }
    }
}
