import Model

extension AlertingRule {
    /// Ends the alerts whose `agent` label names one of `agents`, which left the fleet (forgotten or deleted) at
    /// `time`: a pending one is dropped, a firing one resolves now, whatever `keep_firing_for` would keep, and is
    /// sent resolved after the next evaluation like any resolution. The series that made it fire are gone with the
    /// agent; nothing will bring them back but a new agent of the same name, whose alerts start afresh.
    func endAlerts(ofAgents agents: Set<String>, at time: Timestamp) {
        state.withLock { state in
            for (labels, alert) in state.active where agents.contains(labels["agent"]) {
                switch alert.state {
                case .pending:
                    state.active[labels] = nil
                case .firing:
                    var ended = alert
                    ended.state = .inactive
                    ended.resolvedAt = time
                    ended.keepFiringSince = nil
                    state.active[labels] = ended
                case .inactive:
                    continue
                }
            }
        }
    }
}

extension RuleGroup {
    /// Ends the alerts of `agents`, which left the fleet at `time`, in every alerting rule of the group
    /// (``AlertingRule/endAlerts(ofAgents:at:)``).
    public func endAlerts(ofAgents agents: Set<String>, at time: Timestamp) {
        for rule in alertingRules { rule.endAlerts(ofAgents: agents, at: time) }
    }
}
