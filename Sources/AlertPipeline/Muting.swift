import Alerting
import Fleet
import Model
import PromQL

/// Why alerts are muted at one moment: active silences, inhibition among the current alerts, agents an
/// operator killed (DESIGN §9: every alert carrying a killed agent's `agent` label is suppressed), and agents a
/// recovery ladder holds (``RecoveryHolds``).
struct Muting {
    /// The prefix of the `silencedBy` entry that names a killed agent, as in `killed:order-7`.
    static let killedAgentPrefix = "killed:"

    let silences: SilenceStore
    let inhibition: Inhibition
    let registry: AgentRegistry
    let holds: RecoveryHolds
    let now: Timestamp

    init(
        silences: SilenceStore, inhibition: Inhibition, registry: AgentRegistry, holds: RecoveryHolds,
        at now: Timestamp
    ) {
        self.silences = silences
        self.inhibition = inhibition
        self.registry = registry
        self.holds = holds
        self.now = now
    }

    /// The API v2 status of `alert`: suppressed when a silence or an inhibiting alert mutes it, its agent is
    /// killed (listed in `silencedBy` as `killed:<agent>`) or held by a recovery ladder (`recovery:<agent>`).
    func status(of alert: Alerting.Alert) -> AlertStatus {
        let labels = alert.labels
        var silencedBy = silences.silencedBy(labels, at: now)
        let agent = labels["agent"]
        if !agent.isEmpty, registry.agent(named: agent)?.killed != nil {
            silencedBy.append(Self.killedAgentPrefix + agent)
        }
        if let held = holds.suppression(of: alert, at: now) { silencedBy.append(held) }
        return AlertStatus(
            silencedBy: silencedBy, inhibitedBy: inhibition.inhibitedBy(labels).map { [$0.description] } ?? [])
    }
}
