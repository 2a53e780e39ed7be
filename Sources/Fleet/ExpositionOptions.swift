import Exposition

/// What the fleet's series look like on `/metrics` and to the rules: the cardinality controls of the
/// configuration's `metrics:` section.
public struct ExpositionOptions: Sendable, Equatable {
    /// Whether `agent_task_duration_seconds` is a histogram per agent (the default: 14 series per agent with the
    /// default buckets) or one per `agent_type` (`metrics.per_agent_histograms: false`).
    public var perAgentHistograms: Bool
    /// Agent labels never exposed (`metrics.drop_labels`): `agent_type`, `host` or the agent's own labels; never
    /// `agent`, which names the series.
    public var droppedLabels: Set<String>

    /// Per-agent histograms, every label exposed.
    public static let standard = ExpositionOptions()

    public init(perAgentHistograms: Bool = true, droppedLabels: Set<String> = []) {
        self.perAgentHistograms = perAgentHistograms
        self.droppedLabels = droppedLabels
    }

    /// The labels no option may drop: `agent` names every series, the others are the families' own.
    public static let undroppableLabels: Set<String> = ["agent", "state", "outcome", "le", "__name__"]

    /// The HELP of `agent_task_duration_seconds` when it is per `agent_type`.
    public static let typeHistogramHelp =
        "Duration of the tasks of the agents of each agent_type, in seconds (metrics.per_agent_histograms is off)."
}

extension AgentRecord {
    /// The labels of the agent's series (`agent`, `agent_type`) as exposed under `options`.
    public func exposedSeriesLabels(_ options: ExpositionOptions) -> RenderedLabels {
        options.droppedLabels.isEmpty ? seriesLabels : RenderedLabels(exposedLabelPairs(info: false, options))
    }

    /// The labels of the agent's `agent_info` (identity, host and own labels) as exposed under `options`.
    public func exposedInfoLabels(_ options: ExpositionOptions) -> RenderedLabels {
        options.droppedLabels.isEmpty ? infoLabels : RenderedLabels(exposedLabelPairs(info: true, options))
    }

    /// The label pairs of the agent's series (`info`: of its `agent_info`) under `options`, in exposition order.
    public func exposedLabelPairs(info: Bool, _ options: ExpositionOptions) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = [("agent", name)]
        if let agentType { pairs.append(("agent_type", agentType)) }
        if info {
            if let host { pairs.append(("host", host)) }
            pairs += labels
        }
        guard !options.droppedLabels.isEmpty else { return pairs }
        return pairs.filter { !options.droppedLabels.contains($0.name) }
    }
}
