import Alerting
import Model

extension AlertRouter {
    /// An operator resumed `agent`: its firing alerts that nothing else mutes are notified at their group's next
    /// flush, as after a silence ends (a kill mutes like a silence of the agent), not at the next
    /// `repeat_interval`. An alert kept firing only by its rule's `keep_firing_for` is not: what made it fire is
    /// over, so it pages nobody again.
    public func renotifyResumed(agent: String) {
        let now = clock.now()
        state.withLock { state in
            let muting = muting(state, at: now)
            let firing = state.alerts.values.filter { alert in
                alert.labels["agent"] == agent && !alert.isResolved(at: now) && !alert.keptFiring
                    && !muting.status(of: alert).isMuted
            }
            state.dispatcher.renotify(Set(firing.map(\.fingerprint)))
        }
    }
}
