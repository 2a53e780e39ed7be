import Exposition
import Model

/// Writes the `agent_*` metric families of DESIGN §7 (``FleetFamilies``) for a snapshot of the fleet.
///
/// Families come in name order, and inside a family agents come in name order (the snapshot's order), so two
/// scrapes of the same fleet are byte-identical. A family no agent has a value for is left out.
public enum FleetExposition {
    /// Writes every `agent_*` family for `agents` (sorted by name), judging health at `now`.
    /// - Parameters:
    ///   - options: the cardinality controls: labels dropped, task-duration histograms per agent or per type.
    ///   - histogramBounds: the buckets of the per-type histograms (those of per-agent ones are their own).
    /// - Returns: how many agents are in each state, as judged for the families written.
    @discardableResult
    public static func write(
        _ agents: [AgentRecord], at now: Timestamp, policy: HealthPolicy, options: ExpositionOptions = .standard,
        histogramBounds: [Double] = DurationHistogram.defaultUpperBounds, into writer: inout ExpositionWriter
    ) -> [HealthState: Int] {
        guard !agents.isEmpty else { return [:] }
        let states = agents.map { $0.state(at: now, policy: policy) }
        // Borrow the records in place: iterating the array by value would copy (and retain) every record once
        // per family.
        agents.withUnsafeBufferPointer { agents in
            // Labels rendered once per agent, not once per family, when some are dropped.
            let labels = options.droppedLabels.isEmpty ? nil : agents.map { $0.exposedSeriesLabels(options) }
            let rendering = Rendering(
                agents: agents, states: states, labels: labels, options: options, histogramBounds: histogramBounds)
            for family in FleetFamilies.all {
                write(family, rendering, into: &writer)
            }
        }
        return states.reduce(into: [:]) { counts, state in counts[state, default: 0] += 1 }
    }

    /// One render's agents, their states and how their series are labelled.
    private struct Rendering {
        let agents: UnsafeBufferPointer<AgentRecord>
        let states: [HealthState]
        /// The agents' series labels when some are dropped; nil: each record's own.
        let labels: [RenderedLabels]?
        let options: ExpositionOptions
        let histogramBounds: [Double]

        func seriesLabels(_ index: Int) -> RenderedLabels { labels?[index] ?? agents[index].seriesLabels }
    }

    private static func write(_ family: FleetFamily, _ rendering: Rendering, into writer: inout ExpositionWriter) {
        let agents = rendering.agents, states = rendering.states
        switch family.kind {
        case .perAgent(let read):
            var started = false
            for index in agents.indices {
                guard let value = read(agents[index], states[index]) else { continue }
                if !started {
                    writer.family(family.name, type: family.type, help: family.help)
                    started = true
                }
                writer.sample(family.name, rendering.seriesLabels(index), value: value)
            }
        case .perLabelValue(let label, let values):
            writer.family(family.name, type: family.type, help: family.help)
            for index in agents.indices {
                for (labelValue, read) in values {
                    writer.sample(
                        family.name, rendering.seriesLabels(index), extraLabel: label, extraValue: labelValue,
                        value: read(agents[index], states[index]))
                }
            }
        case .info:
            writer.family(family.name, type: family.type, help: family.help)
            for index in agents.indices {
                writer.sample(family.name, agents[index].exposedInfoLabels(rendering.options), value: 1)
            }
        case .taskDurations where rendering.options.perAgentHistograms:
            writer.family(family.name, type: family.type, help: family.help)
            for index in agents.indices {
                let histogram = agents[index].taskDurations
                writer.histogram(
                    family.name, rendering.seriesLabels(index), upperBounds: histogram.upperBounds,
                    cumulativeCounts: histogram.cumulativeCounts, sum: histogram.sum, count: histogram.count)
            }
        case .taskDurations:
            writer.family(family.name, type: family.type, help: ExpositionOptions.typeHistogramHelp)
            let byType = !rendering.options.droppedLabels.contains("agent_type")
            for (agentType, histogram) in TypeHistograms.aggregate(
                agents, bounds: rendering.histogramBounds, byType: byType)
            {
                writer.histogram(
                    family.name, agentType.map { RenderedLabels([("agent_type", $0)]) } ?? .empty,
                    upperBounds: histogram.upperBounds, cumulativeCounts: histogram.cumulativeCounts,
                    sum: histogram.sum, count: histogram.count)
            }
        }
    }
}
