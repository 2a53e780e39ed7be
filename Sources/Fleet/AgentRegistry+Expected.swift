import Model

extension AgentRegistry {
    /// Lists every agent of `expected` that the registry does not know as ``HealthState/missing``, from `now`, with
    /// the type, labels and schedule the configuration gives it; updates those still missing, and forgets those
    /// missing that are no longer expected. Agents that have beaten are left as they are. Call it after
    /// ``restore(_:)`` at start-up and after each reload. Expected agents may go beyond `--agents.max` (the
    /// operator listed them). A missing agent is stored like any other, so the time it was first listed
    /// (``AgentRecord/firstSeen``, `missing_since`, `agent_missing_since_timestamp_seconds`) outlives a restart and
    /// `AgentMissing` counts from it.
    public func placeExpectedAgents(_ expected: [ExpectedAgent], at now: Timestamp) {
        let wanted = Dictionary(expected.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for index in 0..<Self.shardCount {
            try? withShard(atIndex: index) { shard in
                for (name, record) in shard.agents where record.awaitingFirstBeat && wanted[name] == nil {
                    shard.agents[name] = nil
                    release(name, in: &shard)
                }
            }
        }
        for agent in expected {
            try? withShard(of: agent.name) { shard in
                if var existing = shard.agents[agent.name] {
                    guard existing.awaitingFirstBeat else { return }
                    let before = existing
                    Self.describe(&existing, as: agent)
                    shard.agents[agent.name] = existing
                    if !Self.sameDescription(before, existing) { shard.dirty.insert(agent.name) }
                    return
                }
                var record = AgentRecord(name: agent.name, firstSeen: now)
                record.awaitingFirstBeat = true
                record.recordedState = .missing
                Self.describe(&record, as: agent)
                shard.agents[agent.name] = record
                shard.dirty.insert(agent.name)
                _ = agentCountIncrement()
            }
        }
    }

    private static func sameDescription(_ lhs: AgentRecord, _ rhs: AgentRecord) -> Bool {
        lhs.agentType == rhs.agentType && lhs.schedule == rhs.schedule
            && lhs.labels.elementsEqual(rhs.labels, by: { $0 == $1 })
    }

    private static func describe(_ record: inout AgentRecord, as agent: ExpectedAgent) {
        if record.agentType != agent.agentType { record.agentType = agent.agentType }
        let labels = agent.labels.map { (name: $0.name, value: $0.value) }
        if !labels.elementsEqual(record.labels, by: { $0 == $1 }) { record.labels = labels }
        record.schedule = agent.schedule
    }
}
