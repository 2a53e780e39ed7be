import Model

extension HealthPolicy {
    /// The thresholds that judge `record`, and where they come from, first match wins: `health.by_agent`, a
    /// configured schedule (``schedules``, the first entry that matches), `health.by_agent_type`, the schedule
    /// the agent reports, its `interval_seconds`, the defaults. A schedule's runs are counted from the agent's
    /// ``AgentRecord/silentSince``; the deadlines last worked out for the record are reused when still valid.
    public func judgement(for record: AgentRecord) -> HealthJudgement {
        if let configured = byAgent[record.name] { return HealthJudgement(configured, .byAgent) }
        if !schedules.isEmpty, let rule = schedules.first(where: { $0.matches(record.matchLabels) }),
            let judgement = scheduled(rule.schedule, .configuredSchedule, record)
        {
            return judgement
        }
        if let agentType = record.agentType, let configured = byAgentType[agentType] {
            return HealthJudgement(configured, .byAgentType)
        }
        if let schedule = record.schedule, let judgement = scheduled(schedule, .reportedSchedule, record) {
            return judgement
        }
        return judgement(agent: nil, agentType: nil, interval: record.intervalSeconds)
    }

    private func scheduled(_ schedule: AgentSchedule, _ source: ThresholdSource, _ record: AgentRecord)
        -> HealthJudgement?
    {
        let anchor = record.silentSince
        let known = record.scheduleDeadlines.flatMap { $0.schedule == schedule && $0.anchor == anchor ? $0 : nil }
        guard let deadlines = known ?? schedule.deadlines(after: anchor) else { return nil }
        var judgement = HealthJudgement(deadlines.thresholds, source)
        judgement.schedule = deadlines
        return judgement
    }
}

extension AgentRecord {
    /// The agent's labels as `schedules:` matchers see them: `agent`, `agent_type` and `host` when it has them,
    /// and its own labels.
    public var matchLabels: Labels {
        var pairs = labels.map { Label($0.name, $0.value) }
        pairs.append(Label("agent", name))
        if let agentType { pairs.append(Label("agent_type", agentType)) }
        if let host { pairs.append(Label("host", host)) }
        return Labels(pairs)
    }

    /// Works out the deadlines of the schedule that judges the agent under `policy` again when its anchor or
    /// schedule changed. Called on each beat and each sweep, so `agent_next_run_timestamp_seconds` follows.
    mutating func refreshSchedule(_ policy: HealthPolicy) {
        let deadlines = policy.judgement(for: self).schedule
        if deadlines != scheduleDeadlines { scheduleDeadlines = deadlines }
    }
}
