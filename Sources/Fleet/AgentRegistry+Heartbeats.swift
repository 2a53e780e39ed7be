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
    /// Runs of batch jobs: a beat with `"run": "start"` opens a run (replacing one left open); the next beat that
    /// carries a task outcome, an `exit_code` or `"run": "finish"` closes it into ``AgentRecord/lastRun``, successful
    /// when every task succeeded and the exit code (if any) is 0, its duration measured here from the start. A task
    /// outcome without an open run is a run too (without a duration) for a job: an agent with a schedule, an
    /// interval of an hour or more, or runs before; an explicit finish or exit code always is.
    ///
    /// A beat whose `run_id` matches the last one and whose `seq` is not above the last seen is acknowledged
    /// and not counted again. A new `run_id` counts a restart. A beat revives a stopped agent; a killed
    /// agent's beats are recorded while it stays killed.
    /// - Throws: ``RegistryError/agentLimitReached(limit:)`` for a new agent beyond `--agents.max`;
    ///   ``RegistryError/dependencyCycle(_:)`` when its `depends_on` would close a cycle.
    public func ingest(_ beat: Heartbeat, at now: Timestamp) throws(RegistryError) -> IngestOutcome {
        let config = currentConfiguration
        return try withShard(of: beat.agent) { (shard) throws(RegistryError) -> IngestOutcome in
            // One lookup, then the record is changed where it lies: no copy, no second hash.
            if let index = shard.agents.index(forKey: beat.agent) {
                try declareDependencies(of: beat, replacing: shard.agents[at: index].dependsOn)
                if shard.agents[at: index].awaitingFirstBeat {
                    // An expected agent's first beat: it starts afresh, keeping what the configuration gave it.
                    shard.agents[at: index].awaitingFirstBeat = false
                    shard.agents[at: index].firstSeen = now
                    let outcome = record(
                        beat, into: &shard.agents[at: index], isNew: true, at: now,
                        transitions: &shard.pendingTransitions, receipts: &shard.pendingReceipts, policy: config.policy,
                        closed: &shard.closedActivity)
                    shard.dirty.insert(beat.agent)
                    return outcome
                }
                if isRetry(beat, of: shard.agents[at: index]) {
                    let record = shard.agents[at: index]
                    return IngestOutcome(
                        agent: beat.agent, state: record.state(at: now, policy: config.policy),
                        killed: record.killed != nil, duplicate: true)
                }
                let outcome = record(
                    beat, into: &shard.agents[at: index], isNew: false, at: now,
                    transitions: &shard.pendingTransitions, receipts: &shard.pendingReceipts,
                    policy: config.policy, closed: &shard.closedActivity)
                shard.dirty.insert(beat.agent)
                return outcome
            }
            try declareDependencies(of: beat, replacing: [])
            try reserveAgentSlot()
            var record = AgentRecord(name: beat.agent, firstSeen: now, taskDurationBounds: config.taskDurationBounds)
            let outcome = self.record(
                beat, into: &record, isNew: true, at: now, transitions: &shard.pendingTransitions,
                receipts: &shard.pendingReceipts, policy: config.policy, closed: &shard.closedActivity)
            shard.agents[beat.agent] = record
            shard.dirty.insert(beat.agent)
            return outcome
        }
    }

    /// Applies a counted beat to `record`, noting the transition it causes.
    private func record(
        _ beat: Heartbeat, into record: inout AgentRecord, isNew: Bool, at now: Timestamp,
        transitions: inout [Transition], receipts: inout [BeatReceipt], policy: HealthPolicy,
        closed: inout [ActivityBucket]
    ) -> IngestOutcome {
        let before = record.counters
        let observedBefore = record.taskDurations.count
        let wasStopped = record.stopped != nil
        apply(beat, to: &record, at: now)
        accumulateActivity(beat, into: &record, costBefore: before.costUSD, tokensBefore: before.tokens, at: now) {
            closed.append($0)
        }
        record.refreshSchedule(policy)
        if let transition = stateChange(of: &record, isNew: isNew, at: now) { transitions.append(transition) }
        receipts.append(
            BeatReceipt(
                agent: beat.agent, runID: beat.runID, seq: beat.seq, at: now,
                deltas: record.counters.subtracting(before),
                durations: record.taskDurations.count == observedBefore
                    ? nil : Self.taskDurations(of: beat, bounds: record.taskDurations.upperBounds),
                revived: wasStopped && record.stopped == nil))
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
        if let schedule = beat.schedule { record.schedule = schedule }
        if let status = beat.status { record.selfReportedStatus = status }
        if beat.currentTask != nil { record.currentTask = beat.currentTask }
        record.lastBeat = now
        if let ephemeral = beat.ephemeral { record.ephemeral = ephemeral }
        if let dependsOn = beat.dependsOn { record.dependsOn = dependsOn }
        record.beatGrace = beat.graceSeconds.map { PrometheusDuration.seconds($0) }
        record.counters.heartbeats += 1
        applyTasks(beat.tasks, to: &record, at: now)
        applyRun(beat, to: &record, at: now)
        applyMetrics(beat, to: &record)
        record.costWindow.record(costUSD: record.counters.costUSD, at: now)
    }

    /// The durations `beat`'s tasks reported, as a histogram of their own (what ``applyTasks(_:to:at:)`` observed).
    private static func taskDurations(of beat: Heartbeat, bounds: [Double]) -> DurationHistogram {
        var durations = DurationHistogram(upperBounds: bounds)
        for task in beat.tasks {
            if let latencyMilliseconds = task.latencyMilliseconds { durations.observe(latencyMilliseconds / 1000) }
        }
        return durations
    }

    private func applyTasks(_ tasks: [TaskReport], to record: inout AgentRecord, at now: Timestamp) {
        for task in tasks {
            record.streak.record(task, at: now)
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

    private func applyRun(_ beat: Heartbeat, to record: inout AgentRecord, at now: Timestamp) {
        let signal = beat.run
        if signal.phase == .start {
            record.openRun = OpenRun(startedAt: now, maxRuntime: signal.maxRuntime)
            return
        }
        let explicit = signal.phase == .finish || signal.exitCode != nil
        guard explicit || !beat.tasks.isEmpty else { return }
        guard explicit || record.openRun != nil || record.isJob else { return }
        let success = beat.tasks.allSatisfy(\.success) && (signal.exitCode ?? 0) == 0
        record.lastRun = FinishedRun(
            startedAt: record.openRun?.startedAt, finishedAt: now, success: success, exitCode: signal.exitCode,
            output: signal.output)
        record.openRun = nil
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
            var state: HealthState = record.recovery == nil ? .healthy : .recovering
            if let maintenance = record.maintenance, maintenance.isOpen(at: now) { state = .maintenance }
            return record.transition(to: state, at: now, reason: "heartbeat after stop")
        }
        // A recovering agent stays recovering until its ladder ends the run and says why (`recovered by restart`).
        guard record.recovery == nil, record.recordedState != .healthy else { return nil }
        // An agent in maintenance stays so until its window ends, beating or not.
        if let maintenance = record.maintenance, maintenance.isOpen(at: now) { return nil }
        return record.transition(to: .healthy, at: now, reason: "heartbeat received")
    }
}
