import Model

/// The whole fleet at one bucket boundary, for the status page's fleet chart: how many agents were in each state,
/// and what the buckets that started there cost. Kept in storage for the activity retention (`fleet_activity`) and in
/// memory for the last 24 hours (``FleetActivity/fleetPoints``): 288 points at most.
public struct FleetActivityPoint: Sendable, Equatable {
    /// The start of the bucket.
    public var start: Timestamp
    /// Agents per state at the bucket's end (nil until the bucket ended).
    public var states: [HealthState: Int]?
    /// The cost reported in the bucket, all agents together, in US dollars.
    public var costUSD: Double

    /// Creates a point.
    public init(start: Timestamp, states: [HealthState: Int]? = nil, costUSD: Double = 0) {
        self.start = start
        self.states = states
        self.costUSD = costUSD
    }
}

extension AgentRegistry {
    /// How many agents are in each state at `now`.
    public func countByState(at now: Timestamp) -> [HealthState: Int] {
        let policy = currentConfiguration.policy
        var counts: [HealthState: Int] = [:]
        for index in 0..<Self.shardCount {
            let states: [HealthState] =
                (try? withShard(atIndex: index) { shard in
                    shard.agents.values.map { $0.state(at: now, policy: policy) }
                }) ?? []
            for state in states { counts[state, default: 0] += 1 }
        }
        return counts
    }
}
