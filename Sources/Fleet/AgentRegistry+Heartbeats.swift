import Model

/// What the registry made of one heartbeat.
public struct IngestOutcome: Sendable, Equatable {
    public var agent: String
    /// The agent's state after the beat.
    public var state: HealthState
    /// True when an operator killed the agent: the reply tells it to stop.
    public var killed: Bool
    /// True when the beat repeated a `run_id` + `seq` already counted; nothing was changed.
    public var duplicate: Bool
}

extension AgentRegistry {
    /// Records one heartbeat received at `now`.
    ///
    /// A beat whose `run_id` matches the last one and whose `seq` is not above the last seen is acknowledged
    /// and not counted again. A new `run_id` counts a restart. A beat revives a stopped agent; a killed
    /// agent's beats are recorded while it stays killed.
    /// - Throws: ``RegistryError/agentLimitReached(limit:)`` for a new agent beyond `--agents.max`.
    public func ingest(_ beat: Heartbeat, at now: Timestamp) throws(RegistryError) -> IngestOutcome {
        let config = currentConfiguration
        return try withShard(of: beat.agent) { (shard) throws(RegistryError) -> IngestOutcome in
            // One lookup, then the record is changed where it lies: no copy, no second hash.
            if let index = shard.agents.index(forKey: beat.agent) {
                if isRetry(beat, of: shard.agents.values[index]) {
                    let record = shard.agents.values[index]
                    return IngestOutcome(
                        agent: beat.agent, state: record.state(at: now, policy: config.policy),
                        killed: record.killed != nil, duplicate: true)
                }
                let outcome = record(
                    beat, into: &shard.agents.values[index], isNew: false, at: now,
                    transitions: &shard.pendingTransitions,
                    policy: config.policy)
                shard.dirty.insert(beat.agent)
                return outcome
            }
            try reserveAgentSlot()
            var record = AgentRecord(name: beat.agent, firstSeen: now, taskDurationBounds: config.taskDurationBounds)
            let outcome = self.record(
                beat, into: &record, isNew: true, at: now, transitions: &shard.pendingTransitions,
                policy: config.policy)
            shard.agents[beat.agent] = record
            shard.dirty.insert(beat.agent)
            return outcome
        }
    }

    /// Applies a counted beat to `record`, noting the transition it causes.
    private func record(
        _ beat: Heartbeat, into record: inout AgentRecord, isNew: Bool, at now: Timestamp,
        transitions: inout [Transition], policy: HealthPolicy
    ) -> IngestOutcome {
        apply(beat, to: &record, at: now)
        if let transition = stateChange(of: &record, isNew: isNew, at: now) { transitions.append(transition) }
        return IngestOutcome(
            agent: beat.agent, state: record.state(at: now, policy: policy),
            killed: record.killed != nil, duplicate: false)
    }

    private func isRetry(_ beat: Heartbeat, of record: AgentRecord) -> Bool {
        guard let runID = beat.runID, runID == record.runID, let seq = beat.seq, let lastSeq = record.seq else {
            return false
        }
        return seq <= lastSeq
    }

    private func apply(_ beat: Heartbeat, to record: inout AgentRecord, at now: Timestamp) {
        if let runID = beat.runID, let previous = record.runID, runID != previous {
            record.counters.restarts += 1
        }
        if beat.runID != nil { record.runID = beat.runID }
        record.seq = beat.seq ?? (beat.runID == nil ? record.seq : nil)
        if let agentType = beat.agentType, agentType != record.agentType { record.agentType = agentType }
        if let host = beat.host, host != record.host { record.host = host }
        if !beat.labels.isEmpty, !beat.labels.elementsEqual(record.labels, by: { $0 == $1 }) {
            record.labels = beat.labels
        }
        if let interval = beat.intervalSeconds { record.intervalSeconds = interval }
        if let status = beat.status { record.selfReportedStatus = status }
        if beat.currentTask != nil { record.currentTask = beat.currentTask }
        record.lastBeat = now
        record.counters.heartbeats += 1
        applyTasks(beat.tasks, to: &record, at: now)
        applyMetrics(beat, to: &record)
        record.costWindow.record(costUSD: record.counters.costUSD, at: now)
    }

    private func applyTasks(_ tasks: [TaskReport], to record: inout AgentRecord, at now: Timestamp) {
        for task in tasks {
            if task.success { record.counters.tasksSucceeded += 1 } else { record.counters.tasksFailed += 1 }
            if !task.success, let error = task.error { record.lastTaskError = TaskError(message: error, at: now) }
            record.counters.costUSD += task.costUSD
            record.counters.tokens += task.tokens
            // The task's own latency_ms, observed in seconds (a measured quantity, not a wall-clock time).
            if let latencyMilliseconds = task.latencyMilliseconds {
                record.taskDurations.observe(latencyMilliseconds / 1000)
            }
        }
    }

    private func applyMetrics(_ beat: Heartbeat, to record: inout AgentRecord) {
        let metrics = beat.metrics
        record.counters.costUSD += metrics.costUSD
        record.counters.tokens += metrics.tokens
        record.counters.errors += metrics.errors
        if let value = metrics.queueDepth { record.gauges.queueDepth = value }
        if let value = metrics.activeTasks { record.gauges.activeTasks = value }
        if let value = metrics.memoryBytes { record.gauges.memoryBytes = value }
        if let value = beat.taskProgress { record.gauges.taskProgress = value }
    }

    /// The transition a fresh beat causes: a first beat, a revival after stop, or a return from silence.
    private func stateChange(of record: inout AgentRecord, isNew: Bool, at now: Timestamp) -> Transition? {
        if isNew { return record.transition(to: .healthy, at: now, reason: "first heartbeat") }
        if record.killed != nil { return nil }
        if record.stopped != nil {
            record.stopped = nil
            let state: HealthState = record.recovery == nil ? .healthy : .recovering
            return record.transition(to: state, at: now, reason: "heartbeat after stop")
        }
        // A recovering agent stays recovering until its ladder ends the run and says why (`recovered by restart`).
        guard record.recovery == nil, record.recordedState != .healthy else { return nil }
        return record.transition(to: .healthy, at: now, reason: "heartbeat received")
    }
}
