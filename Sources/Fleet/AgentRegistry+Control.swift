import Model

extension AgentRegistry {
    /// Kills an agent on purpose: its state is `killed` until ``resume(_:action:)``, whatever it sends, and
    /// its next heartbeat reply tells it to stop. Killing a killed agent changes nothing.
    /// - Returns: the agent as it is after the kill.
    @discardableResult
    public func kill(_ name: String, action: OperatorAction) throws(RegistryError) -> AgentRecord {
        try update(name) { record, shard in
            guard record.killed == nil else { return }
            record.killed = action
            shard.record(record.transition(to: .killed, at: action.at, reason: action.describe("killed")))
        }
    }

    /// Lifts a kill. The agent's silence counts from the resume (it stopped beating because it was told to), so
    /// it is healthy until `degraded_after` passes without a beat after the resume, then judged by age again.
    /// Resuming a live agent changes nothing.
    @discardableResult
    public func resume(_ name: String, action: OperatorAction) throws(RegistryError) -> AgentRecord {
        let policy = currentConfiguration.policy
        return try update(name) { record, shard in
            guard record.killed != nil else { return }
            record.killed = nil
            record.resumedAt = action.at
            let state = record.state(at: action.at, policy: policy)
            shard.record(record.transition(to: state, at: action.at, reason: action.describe("resumed")))
        }
    }

    /// Deregisters an agent that stops on purpose: state `stopped`, no alerts, forgotten after
    /// `stopped_retention` unless it beats again. An ephemeral agent (``AgentRecord/ephemeral``) is forgotten at
    /// once, unless killed.
    @discardableResult
    public func stop(_ name: String, action: OperatorAction) throws(RegistryError) -> AgentRecord {
        let record = try update(name) { record, shard in
            guard record.stopped == nil else { return }
            record.stopped = action
            guard record.killed == nil else { return }
            shard.record(record.transition(to: .stopped, at: action.at, reason: action.describe("stopped")))
        }
        if record.ephemeral, record.killed == nil {
            try withShard(of: name) { (shard) throws(RegistryError) in
                guard shard.agents.removeValue(forKey: name) != nil else { return }
                forget(name, in: &shard)
                noteForgotten(ForgottenAgent(name: name, reason: .stopped, at: action.at))
            }
        }
        return record
    }

    /// Forgets an agent, its series and its history.
    public func delete(_ name: String) throws(RegistryError) {
        try withShard(of: name) { (shard) throws(RegistryError) in
            guard shard.agents.removeValue(forKey: name) != nil else { throw .unknownAgent(name) }
            forget(name, in: &shard)
        }
    }

    /// Forgets an agent already taken out of `shard.agents`: its pending writes, its slot, its dependencies, and (for
    /// the alert rules) that it is gone. `deletingStoredRows`: false when its rows are gone already (another node of
    /// a cluster deleted it).
    func forget(_ name: String, in shard: inout Shard, deletingStoredRows: Bool = true) {
        release(name, in: &shard, deletingStoredRows: deletingStoredRows)
        forgetDependencies(of: name)
        noteRemoved(name)
    }

    /// Drops what `shard` holds for an agent taken out of `shard.agents` (pending writes, operator control), and
    /// frees its slot under `--agents.max`; its stored rows are deleted at the next drain when `deletingStoredRows`.
    func release(_ name: String, in shard: inout Shard, deletingStoredRows: Bool = true) {
        shard.dirty.remove(name)
        if deletingStoredRows { shard.deleted.insert(name) }
        shard.pendingTransitions.removeAll { $0.agent == name }
        shard.pendingReceipts.removeAll { $0.agent == name }
        shard.controlled.remove(name)
        releaseAgentSlot()
    }

    func update(
        _ name: String, _ change: (inout AgentRecord, inout Shard) -> Void
    ) throws(RegistryError) -> AgentRecord {
        try withShard(of: name) { (shard) throws(RegistryError) -> AgentRecord in
            guard var record = shard.agents.removeValue(forKey: name) else { throw .unknownAgent(name) }
            change(&record, &shard)
            shard.agents[name] = record
            shard.dirty.insert(name)
            shard.controlled.insert(name)
            return record
        }
    }

    /// Notices the age-based changes since the last sweep (healthy → degraded → unreachable), records them in
    /// the history, and forgets agents stopped for longer than `stopped_retention`.
    /// - Returns: the transitions made.
    ///
    /// - Parameter storingTransitions: false on a node of a cluster that does not lead: every node notices the same
    ///   changes, and only the leader's are written to the shared history (else each would be there once per node).
    @discardableResult
    public func sweep(at now: Timestamp, storingTransitions: Bool = true) -> [Transition] {
        let policy = currentConfiguration.policy
        var made: [Transition] = []
        for index in 0..<Self.shardCount {
            made +=
                (try? withShard(atIndex: index) { shard in
                    sweep(&shard, at: now, policy: policy, storingTransitions: storingTransitions)
                }) ?? []
        }
        return made
    }

    private func sweep(_ shard: inout Shard, at now: Timestamp, policy: HealthPolicy, storingTransitions: Bool)
        -> [Transition]
    {
        var made: [Transition] = []
        for name in Array(shard.agents.keys) {
            guard var record = shard.agents[name] else { continue }
            if let stopped = record.stopped, record.killed == nil,
                record.ephemeral || now - stopped.at >= policy.stoppedRetention
            {
                shard.agents[name] = nil
                forget(name, in: &shard)
                noteForgotten(ForgottenAgent(name: name, reason: .stopped, at: now))
                continue
            }
            let deadlines = policy.judgement(for: record).schedule
            if deadlines != record.scheduleDeadlines {
                record.scheduleDeadlines = deadlines
                shard.agents[name]?.scheduleDeadlines = deadlines
            }
            let state = record.state(at: now, policy: policy)
            if Self.isForgettable(record, state: state, at: now, policy: policy) {
                shard.agents[name] = nil
                forget(name, in: &shard)
                noteForgotten(ForgottenAgent(name: name, reason: .unreachable, at: now))
                continue
            }
            guard state != record.recordedState else { continue }
            shard.agents[name] = nil
            let reason =
                record.scheduleDeadlines.flatMap {
                    Self.scheduleReason($0, state: state, runningSince: record.openRun?.startedAt)
                }
                ?? Self.silenceReason(record, at: now)
            let transition = record.transition(to: state, at: now, reason: reason)
            if storingTransitions { shard.record(transition) }
            made.append(transition)
            shard.agents[name] = record
            shard.dirty.insert(name)
        }
        return made
    }

    /// `late: …` or `missed: …` when a schedule judges the agent and it became degraded or unreachable. A job whose
    /// run is still open (`runningSince`) is said to be running since its start, not to have not started: the runs
    /// due after its start have not started because it has not finished.
    private static func scheduleReason(
        _ deadlines: ScheduleDeadlines, state: HealthState, runningSince: Timestamp? = nil
    ) -> String? {
        let grace = deadlines.schedule.grace
        let cron = deadlines.schedule.cron
        if let runningSince {
            let running = "running since \(runningSince.goRFC3339) and not finished"
            switch state {
            case .degraded:
                return "late: \(running); the next run, due at \(deadlines.nextRun.goRFC3339) (\(cron)), "
                    + "has not started within its grace of \(grace)"
            case .unreachable:
                return "missed: \(running); the runs due at \(deadlines.nextRun.goRFC3339) and "
                    + "\(deadlines.secondRun.goRFC3339) (\(cron)) have not started within their grace of \(grace)"
            default:
                return nil
            }
        }
        switch state {
        case .degraded:
            return
                "late: the run due at \(deadlines.nextRun.goRFC3339) (\(cron)) has not started within "
                + "its grace of \(grace)"
        case .unreachable:
            return "missed: the runs due at \(deadlines.nextRun.goRFC3339) and \(deadlines.secondRun.goRFC3339) "
                + "(\(cron)) have not started within their grace of \(grace)"
        default:
            return nil
        }
    }

    /// `no heartbeat for 5m`, or `no heartbeat for 1h30m, 5m since resumed` when the silence counts from a resume
    /// (or from the end of a maintenance window, or from the exporter's start), with the grace of the last beat.
    private static func silenceReason(_ record: AgentRecord, at now: Timestamp) -> String {
        if record.recordedState == .maintenance, let window = record.maintenance, now >= window.until {
            return "maintenance ended at \(window.until.goRFC3339)"
        }
        var reason = "no heartbeat for \((now - record.lastBeat).truncated(to: .seconds(1)))"
        let since = record.silentSince
        if since > record.lastBeat {
            let from =
                since == record.watchedSince
                ? "since the exporter started"
                : since == record.maintenance?.until ? "since maintenance ended" : "since resumed"
            reason += ", \((now - since).truncated(to: .seconds(1))) \(from)"
        }
        if let grace = record.beatGrace { reason += " (the last beat asked for \(grace) of grace)" }
        return reason
    }
}
