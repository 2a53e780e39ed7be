import AlertPipeline
import Rules

extension RuleAlertObservation {
    /// What the alert history takes from a rule's alert.
    init(_ alert: Rules.Alert) {
        let phase: EpisodePhase =
            switch alert.state {
            case .pending: .pending
            case .firing: .firing
            case .inactive: .resolved
            }
        self.init(
            labels: alert.labels, phase: phase, activeAt: alert.activeAt, firedAt: alert.firedAt,
            resolvedAt: alert.resolvedAt, value: alert.value)
    }
}
