import Model

/// An agent's labels as ladders see them: `agent`, `agent_type` and the agent's own labels.
func agentLabels(_ agent: String, type: String = "worker", _ own: [String: String] = [:]) -> Labels {
    Labels(own.merging(["agent": agent, "agent_type": type]) { _, fixed in fixed }.map { Label($0.key, $0.value) })
}
