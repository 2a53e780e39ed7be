import Alerting
import Model

extension RuleEngine {
    /// Takes over rule evaluation from another node sharing the database (issue 20), as a restart would: the alerts it
    /// saved (`for` timers, `ALERTS_FOR_STATE`, firing and resolved) and the sample history it checkpointed, then every
    /// group evaluates at the next tick. Restored alerts count as never sent, and the alert router's notification log
    /// (taken over too) keeps what was already notified from repeating.
    public func takeOver() {
        let groups = self.groups
        restoreFromStorage(groups)
        state.withLock { $0.historyRestorePending = false }
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

    /// The alerts firing now, as the notifier receives them; those not sent from here yet (restored, or followed
    /// from the leader) valid for ``followedValidity``. A node that does not lead shows them in its Alertmanager API.
    public func firingAlerts() -> [Alerting.Alert] {
        let now = clock.now()
        let link = state.withLock { $0.generatorLink }
        return groups.flatMap { group in
            group.alertingRules.flatMap { rule in
                SentAlerts.alerts(
                    rule.activeAlerts.filter { $0.state == .firing && $0.resolvedAt == nil },
                    expression: rule.expression.description, link: link, at: now
                ).map { alert in
                    var shown = alert
                    if shown.endsAt.map({ $0 <= now }) ?? false { shown.endsAt = now + Self.followedValidity }
                    return shown
                }
            }
        }
    }

    /// How long a followed alert stays valid without news: Prometheus' resend validity with its 1m resend delay.
    static let followedValidity = PrometheusDuration.minutes(4)
}
