import Alerting
import Model

extension AlertRouter {
    /// An operator resumed `agent`: its firing alerts that nothing else mutes are notified at their group's next
    /// flush, as after a silence ends (a kill mutes like a silence of the agent), not at the next
    /// `repeat_interval`.
    public func renotifyResumed(agent: String) {
        let now = clock.now()
        state.withLock { state in
            let muting = muting(state, at: now)
            let firing = state.alerts.values.filter { alert in
                alert.labels["agent"] == agent && !alert.isResolved(at: now) && !muting.status(of: alert).isMuted
            }
            state.dispatcher.renotify(Set(firing.map(\.fingerprint)))
        }
    }
}
