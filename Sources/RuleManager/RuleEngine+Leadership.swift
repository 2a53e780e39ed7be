import Model

extension RuleEngine {
    /// Takes over rule evaluation from another node sharing the database (issue 20), as a restart would: the alerts it
    /// saved (`for` timers, `ALERTS_FOR_STATE`, firing and resolved) and the sample history it checkpointed, then every
    /// group evaluates at the next tick. Restored alerts count as never sent, and the alert router's notification log
    /// (taken over too) keeps what was already notified from repeating.
    public func takeOver() {
        let groups = self.groups
        restoreFromStorage(groups)
        restoreHistory()
        state.withLock { state in
            for index in state.scheduled.indices { state.scheduled[index].nextEvaluation = nil }
        }
    }

    /// Shows, on a node that does not evaluate, the alerts the leader last saved: its rules and alerts API then
    /// answer as the leader's would (issue 20).
    public func followStoredAlerts() {
        restoreFromStorage(groups)
    }
}
