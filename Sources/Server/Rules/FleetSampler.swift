import Exposition
import Fleet
import PromQL
import Series

/// Turns a snapshot of the fleet into the samples the rule engine reads: the same series `/metrics` exposes
/// (from ``FleetFamilies``), as PromQL label sets.
enum FleetSampler {
    /// Every series name the fleet can produce, histogram series included.
    static let seriesNames: Set<String> = Set(FleetFamilies.all.flatMap(seriesNames(of:)))

    /// The samples of `agents` judged at `now`, restricted to `names` (all when nil).
    static func samples(
        _ agents: [AgentRecord], at now: UnixTime, policy: HealthPolicy, names: Set<String>?
    ) -> [(labels: Labels, value: Double)] {
        var samples: [(labels: Labels, value: Double)] = []
        let families = FleetFamilies.all.filter { family in
            names.map { wanted in seriesNames(of: family).contains { wanted.contains($0) } } ?? true
        }
        for agent in agents {
            let state = agent.state(at: now, policy: policy)
            let base = baseLabels(agent)
            for family in families { append(family, agent, state, base, to: &samples) }
        }
        return samples
    }

    private static func seriesNames(of family: FleetFamily) -> [String] {
        if case .taskDurations = family.kind { return ["_bucket", "_sum", "_count"].map { family.name + $0 } }
        return [family.name]
    }

    private static func baseLabels(_ agent: AgentRecord) -> [Label] {
        var labels = [Label("agent", agent.name)]
        if let agentType = agent.agentType { labels.append(Label("agent_type", agentType)) }
        return labels
    }

    private static func append(
        _ family: FleetFamily, _ agent: AgentRecord, _ state: HealthState, _ base: [Label],
        to samples: inout [(labels: Labels, value: Double)]
    ) {
        let named = { (name: String, extra: [Label]) in Labels(base + extra + [Label(metricNameLabel, name)]) }
        switch family.kind {
        case .perAgent(let read):
            if let value = read(agent, state) { samples.append((named(family.name, []), value)) }
        case .perLabelValue(let label, let values):
            for (labelValue, read) in values {
                samples.append((named(family.name, [Label(label, labelValue)]), read(agent, state)))
            }
        case .info:
            var extra = agent.host.map { [Label("host", $0)] } ?? []
            extra += agent.labels.map { Label($0.name, $0.value) }
            samples.append((named(family.name, extra), 1))
        case .taskDurations:
            let histogram = agent.taskDurations
            let counts = histogram.cumulativeCounts
            for (bound, count) in zip(histogram.upperBounds.map(FloatFormatting.prometheusText) + ["+Inf"], counts) {
                samples.append((named(family.name + "_bucket", [Label("le", bound)]), Double(count)))
            }
            samples.append((named(family.name + "_sum", []), histogram.sum))
            samples.append((named(family.name + "_count", []), Double(histogram.count)))
        }
    }
}
