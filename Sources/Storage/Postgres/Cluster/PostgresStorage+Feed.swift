import Fleet
import GRDB
import Model

extension PostgresStorage: FleetChangeFeed {
    /// The agents written and deleted after `watermark`, read in one snapshot (`REPEATABLE READ`): since every fleet
    /// write takes its change sequence values under one lock, the values committed form a prefix and none is skipped.
    public func fleetChanges(after watermark: Int64) throws(StorageError) -> FleetFeed {
        try connection.transaction("reading the fleet's changes") { session in
            try session.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let rows = try session.execute(
                "SELECT * FROM agent WHERE change_seq > $1 ORDER BY change_seq", [watermark])
            let tombstones = try session.execute(
                "SELECT name, change_seq FROM agent_tombstone WHERE change_seq > $1 ORDER BY change_seq", [watermark])
            let highest = (rows + tombstones).map { $0["change_seq"] as Int64 }.max() ?? watermark
            // Whichever came last of a deletion and a new row of the same name stands.
            let buried = Dictionary(
                tombstones.map { ($0["name"] as String, $0["change_seq"] as Int64) }, uniquingKeysWith: max)
            let written = Dictionary(
                rows.map { ($0["name"] as String, $0["change_seq"] as Int64) }, uniquingKeysWith: max)
            return FleetFeed(
                agents: rows.filter { ($0["change_seq"] as Int64) > buried[$0["name"], default: 0] }
                    .map(AgentRow.record(from:)),
                deleted: buried.filter { $0.value > written[$0.key, default: 0] }.map(\.key).sorted(),
                watermark: max(watermark, highest))
        }
    }
}
