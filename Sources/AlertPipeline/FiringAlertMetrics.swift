import Alerting
import Exposition
import Model

/// `heartbeat_exporter_firing_alerts{alertname,agent,state}`: the firing alerts the pipeline holds, as
/// Alertmanager sees them — `active` (notified) or `suppressed` (by a silence, an inhibition, a killed agent or a
/// recovery hold).
///
/// Prometheus' `ALERTS` knows nothing of silences; this is what a dashboard counts to show only what needs a
/// person. One series per alert name, agent and state: as many as the `agent` values of firing alerts, the
/// same bound as `ALERTS`. Alerts without an `agent` label (such as `Watchdog`) have none here either.
public struct FiringAlertMetrics: MetricsSource {
    static let name = "heartbeat_exporter_firing_alerts"

    let router: AlertRouter

    /// The metrics of `router`'s alerts.
    public init(router: AlertRouter) {
        self.router = router
    }

    public func write(into writer: inout ExpositionWriter) {
        let counts = router.firingAlertCounts()
        writer.family(
            Self.name, type: .gauge,
            help: "Firing alerts in the alert pipeline, by alert name, agent and state: active (notified) or "
                + "suppressed (silenced, inhibited, of a killed agent or held while it recovers).")
        for key in counts.keys.sorted() {
            var pairs: [(name: String, value: String)] = [("alertname", key.alertname)]
            if !key.agent.isEmpty { pairs.append(("agent", key.agent)) }
            let labels = RenderedLabels(pairs)
            let count = counts[key] ?? (0, 0)
            writer.sample(
                Self.name, labels, extraLabel: "state", extraValue: "active", value: Double(count.active))
            writer.sample(
                Self.name, labels, extraLabel: "state", extraValue: "suppressed", value: Double(count.suppressed))
        }
    }
}

/// The alert name and agent one series of ``FiringAlertMetrics`` counts.
struct FiringAlertKey: Hashable, Comparable {
    var alertname: String
    var agent: String

    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.alertname, lhs.agent) < (rhs.alertname, rhs.agent) }
}

extension AlertRouter {
    /// The alerts not resolved now, counted by alert name and agent, apart as active or suppressed.
    func firingAlertCounts() -> [FiringAlertKey: (active: Int, suppressed: Int)] {
        let now = clock.now()
        return state.withLock { state in
            let muting = muting(state, at: now)
            var counts: [FiringAlertKey: (active: Int, suppressed: Int)] = [:]
            for alert in state.alerts.values where !alert.isResolved(at: now) {
                let key = FiringAlertKey(alertname: alert.labels["alertname"], agent: alert.labels["agent"])
                var count = counts[key] ?? (0, 0)
                if muting.status(of: alert).isMuted { count.suppressed += 1 } else { count.active += 1 }
                counts[key] = count
            }
            return counts
        }
    }
}
