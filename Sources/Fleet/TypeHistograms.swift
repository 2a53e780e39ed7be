/// `agent_task_duration_seconds` per `agent_type`, for fleets that turn per-agent histograms off
/// (``ExpositionOptions/perAgentHistograms``).
public enum TypeHistograms {
    /// The task-duration histograms of `agents` summed per agent type on `bounds`, in type order; agents without
    /// a type form one histogram without the label, listed first. Types whose agents finished no task yet are
    /// listed too, empty, as a per-agent histogram is. With `byType` false (`agent_type` is dropped) every agent
    /// counts in the one histogram without the label.
    public static func aggregate(_ agents: UnsafeBufferPointer<AgentRecord>, bounds: [Double], byType: Bool = true)
        -> [(
            agentType: String?, histogram: DurationHistogram
        )]
    {
        var histograms: [String: DurationHistogram] = [:]
        var untyped: DurationHistogram?
        for index in agents.indices {
            let agent = agents[index]
            if byType, let agentType = agent.agentType {
                histograms[agentType, default: DurationHistogram(upperBounds: bounds)].add(agent.taskDurations)
            } else {
                untyped = untyped ?? DurationHistogram(upperBounds: bounds)
                untyped?.add(agent.taskDurations)
            }
        }
        let typed = histograms.sorted { $0.key < $1.key }.map { (agentType: Optional($0.key), histogram: $0.value) }
        return (untyped.map { [(agentType: nil, histogram: $0)] } ?? []) + typed
    }
}
