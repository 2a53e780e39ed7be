import Exposition
import Model

/// Writes the `agent_*` metric families of DESIGN §7 (``FleetFamilies``) for a snapshot of the fleet.
///
/// Families come in name order, and inside a family agents come in name order (the snapshot's order), so two
/// scrapes of the same fleet are byte-identical. A family no agent has a value for is left out.
public enum FleetExposition {
    /// Writes every `agent_*` family for `agents` (sorted by name), judging health at `now`.
    /// - Returns: how many agents are in each state, as judged for the families written.
    @discardableResult
    public static func write(
        _ agents: [AgentRecord], at now: Timestamp, policy: HealthPolicy, into writer: inout ExpositionWriter
    ) -> [HealthState: Int] {
        guard !agents.isEmpty else { return [:] }
        let states = agents.map { $0.state(at: now, policy: policy) }
        // Borrow the records in place: iterating the array by value would copy (and retain) every record once
        // per family.
        agents.withUnsafeBufferPointer { agents in
            for family in FleetFamilies.all {
                write(family, agents, states, into: &writer)
            }
        }
        return states.reduce(into: [:]) { counts, state in counts[state, default: 0] += 1 }
    }

    private static func write(
        _ family: FleetFamily, _ agents: UnsafeBufferPointer<AgentRecord>, _ states: [HealthState],
        into writer: inout ExpositionWriter
    ) {
        switch family.kind {
        case .perAgent(let read):
            var started = false
            for index in agents.indices {
                guard let value = read(agents[index], states[index]) else { continue }
                if !started {
                    writer.family(family.name, type: family.type, help: family.help)
                    started = true
                }
                writer.sample(family.name, agents[index].seriesLabels, value: value)
            }
        case .perLabelValue(let label, let values):
            writer.family(family.name, type: family.type, help: family.help)
            for index in agents.indices {
                for (labelValue, read) in values {
                    writer.sample(
                        family.name, agents[index].seriesLabels, extraLabel: label, extraValue: labelValue,
                        value: read(agents[index], states[index]))
                }
            }
        case .info:
            writer.family(family.name, type: family.type, help: family.help)
            for index in agents.indices { writer.sample(family.name, agents[index].infoLabels, value: 1) }
        case .taskDurations:
            writer.family(family.name, type: family.type, help: family.help)
            for index in agents.indices {
                let histogram = agents[index].taskDurations
                writer.histogram(
                    family.name, agents[index].seriesLabels, upperBounds: histogram.upperBounds,
                    cumulativeCounts: histogram.cumulativeCounts, sum: histogram.sum, count: histogram.count)
            }
        }
    }
}
