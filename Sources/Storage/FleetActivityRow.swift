import Fleet
import GRDB
import Model

/// How a ``FleetActivityPoint`` is laid out in `fleet_activity` (schema v14), the same in SQLite and PostgreSQL:
/// the bucket's start, its cost, and the agents per state as `state=count` pairs joined by commas (NULL until the
/// bucket ended; empty when no agent was known).
enum FleetActivityRow {
    /// Inserts a point, or adds its cost to the stored one of the same start and replaces its agents per state when
    /// it has them; valid in SQLite and PostgreSQL. `placeholder` names parameter n (1…3).
    static func upsertSQL(_ placeholder: (Int) -> String) -> String {
        """
        INSERT INTO fleet_activity (start, cost, states) VALUES (\(placeholder(1)), \(placeholder(2)), \
        \(placeholder(3))) ON CONFLICT (start) DO UPDATE SET cost = fleet_activity.cost + excluded.cost, \
        states = coalesce(excluded.states, fleet_activity.states)
        """
    }

    /// The point's values: start, cost, states.
    static func values(_ point: FleetActivityPoint) -> [(any DatabaseValueConvertible)?] {
        [point.start.milliseconds, point.costUSD, point.states.map(encode)]
    }

    /// The point a row holds; states this version does not know are left out.
    static func point(_ row: Row) -> FleetActivityPoint {
        let states: String? = row["states"]
        return FleetActivityPoint(
            start: Timestamp(milliseconds: row["start"]), states: states.map(decode), costUSD: row["cost"])
    }

    static func encode(_ states: [HealthState: Int]) -> String {
        HealthState.allCases.compactMap { state in states[state].map { "\(state.rawValue)=\($0)" } }
            .joined(separator: ",")
    }

    static func decode(_ text: String) -> [HealthState: Int] {
        var states: [HealthState: Int] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let state = HealthState(rawValue: String(parts[0])), let count = Int(parts[1])
            else { continue }
            states[state] = count
        }
        return states
    }
}
