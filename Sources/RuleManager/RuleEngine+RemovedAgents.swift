extension RuleEngine {
    /// Ends the alerts of `agents`, which left the fleet (forgotten after `forget_after`, deleted by an operator):
    /// their firing alerts resolve at once, not `keep_firing_for` later, and their resolutions go out after each
    /// group's next evaluation, which is brought forward for the groups that read an agent's state.
    public func endAlerts(ofAgents agents: Set<String>) {
        guard !agents.isEmpty else { return }
        let now = clock.now()
        let groups = state.withLock { $0.scheduled.map(\.group) }
        for group in groups { group.endAlerts(ofAgents: agents, at: now) }
        evaluateGroupsReadingStateEarly()
    }
}
