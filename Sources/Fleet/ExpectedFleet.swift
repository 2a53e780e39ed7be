/// The agents the operator expects (`fleet.expected` in the configuration): agents by name, and how many agents of
/// each type should be healthy.
///
/// The registry lists each expected agent from start-up (``AgentRegistry/placeExpectedAgents(_:at:)``), as
/// ``HealthState/missing`` until its first beat; `heartbeat_exporter_agents_expected{agent_type}` carries
/// ``minimumByType`` for the shipped rules `AgentMissing` and `FleetBelowExpected`.
public struct ExpectedFleet: Sendable, Equatable {
    /// The agents expected by name, in the configuration's order.
    public var agents: [ExpectedAgent]
    /// `minimum_by_agent_type`: how many healthy agents of each type are expected.
    public var minimumByAgentType: [String: Int]

    public init(agents: [ExpectedAgent] = [], minimumByAgentType: [String: Int] = [:]) {
        self.agents = agents
        self.minimumByAgentType = minimumByAgentType
    }

    /// The expected count of each agent type: its `minimum_by_agent_type`, or the number of listed agents of that
    /// type when it is larger (or no minimum is given).
    public var minimumByType: [String: Int] {
        var counts = minimumByAgentType
        var listed: [String: Int] = [:]
        for agent in agents {
            guard let agentType = agent.agentType else { continue }
            listed[agentType, default: 0] += 1
        }
        for (agentType, count) in listed { counts[agentType] = max(counts[agentType] ?? 0, count) }
        return counts
    }
}

/// One agent of `fleet.expected.agents`: its name, and the type, labels and schedule it is listed with until its
/// beats say otherwise.
public struct ExpectedAgent: Sendable, Equatable {
    public var name: String
    public var agentType: String?
    public var labels: [ExpectedLabel]
    public var schedule: AgentSchedule?

    public init(name: String, agentType: String? = nil, labels: [ExpectedLabel] = [], schedule: AgentSchedule? = nil) {
        self.name = name
        self.agentType = agentType
        self.labels = labels
        self.schedule = schedule
    }
}

/// A label of an expected agent, as its `agent_info` will carry it.
public struct ExpectedLabel: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
