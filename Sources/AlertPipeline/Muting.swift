import Alerting
import Fleet
import Model
import PromQL

/// Why alerts are muted at one moment: active silences, inhibition among the current alerts, and agents an
/// operator killed (DESIGN §9: every alert carrying a killed agent's `agent` label is suppressed).
struct Muting {
    /// The prefix of the `silencedBy` entry that names a killed agent, as in `killed:order-7`.
    static let killedAgentPrefix = "killed:"

    let silences: SilenceStore
    let inhibition: Inhibition
    let registry: AgentRegistry
    let now: Timestamp

    init(silences: SilenceStore, inhibition: Inhibition, registry: AgentRegistry, at now: Timestamp) {
        self.silences = silences
        self.inhibition = inhibition
        self.registry = registry
        self.now = now
    }

    /// The API v2 status of an alert with `labels`: suppressed when a silence or an inhibiting alert mutes
    /// it, or its agent is killed (listed in `silencedBy` as `killed:<agent>`).
    func status(of labels: Labels) -> AlertStatus {
        var silencedBy = silences.silencedBy(labels, at: now)
        let agent = labels["agent"]
        if !agent.isEmpty, registry.agent(named: agent)?.killed != nil {
            silencedBy.append(Self.killedAgentPrefix + agent)
        }
        return AlertStatus(
            silencedBy: silencedBy, inhibitedBy: inhibition.inhibitedBy(labels).map { [$0.description] } ?? [])
    }
}
