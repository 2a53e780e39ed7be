import Exposition
import Series

/// Writes the `agent_*` metric families of DESIGN §7 (``FleetFamilies``) for a snapshot of the fleet.
///
/// Families come in name order, and inside a family agents come in name order (the snapshot's order), so two
/// scrapes of the same fleet are byte-identical. A family no agent has a value for is left out.
public enum FleetExposition {
    /// Writes every `agent_*` family for `agents` (sorted by name), judging health at `now`.
    public static func write(
        _ agents: [AgentRecord], at now: UnixTime, policy: HealthPolicy, into writer: inout ExpositionWriter
    ) {
        guard !agents.isEmpty else { return }
        let states = agents.map { $0.state(at: now, policy: policy) }
        for family in FleetFamilies.all {
            write(family, agents, states, into: &writer)
        }
    }

    private static func write(
        _ family: FleetFamily, _ agents: [AgentRecord], _ states: [HealthState], into writer: inout ExpositionWriter
    ) {
        switch family.kind {
        case .perAgent(let read):
            var started = false
            for (agent, state) in zip(agents, states) {
                guard let value = read(agent, state) else { continue }
                if !started {
                    writer.family(family.name, type: family.type, help: family.help)
                    started = true
                }
                writer.sample(family.name, agent.seriesLabels, value: value)
            }
        case .perLabelValue(let label, let values):
            writer.family(family.name, type: family.type, help: family.help)
            for (agent, state) in zip(agents, states) {
                for (labelValue, read) in values {
                    writer.sample(family.name, agent.seriesLabels, extraLabel: label, extraValue: labelValue,
                                  value: read(agent, state))
                }
            }
        case .info:
            writer.family(family.name, type: family.type, help: family.help)
            for agent in agents { writer.sample(family.name, agent.infoLabels, value: 1) }
        case .taskDurations:
            writer.family(family.name, type: family.type, help: family.help)
            for agent in agents {
                let histogram = agent.taskDurations
                writer.histogram(family.name, agent.seriesLabels, upperBounds: histogram.upperBounds,
                                 cumulativeCounts: histogram.cumulativeCounts, sum: histogram.sum, count: histogram.count)
            }
        }
    }
}
