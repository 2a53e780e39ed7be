import Exposition
import Model

/// Cumulative counters of one agent, exposed as `agent_*_total`.
public struct AgentCounters: Sendable, Equatable {
    public var heartbeats: Double = 0
    public var restarts: Double = 0
    public var tasksSucceeded: Double = 0
    public var tasksFailed: Double = 0
    public var costUSD: Double = 0
    public var tokens: Double = 0
    public var errors: Double = 0

    public init() {}
}

/// Current values an agent reported; nil until it reports them.
public struct AgentGauges: Sendable, Equatable {
    public var queueDepth: Double?
    public var activeTasks: Double?
    public var memoryBytes: Double?
    public var taskProgress: Double?

    public init() {}
}

/// Why an agent's task failed, as its client reported it.
public struct TaskError: Sendable, Equatable {
    /// The client's text, such as `TimeoutError: upstream took 30 s`.
    public var message: String
    /// When the heartbeat that carried it arrived.
    public var at: Timestamp

    public init(message: String, at: Timestamp) {
        self.message = message
        self.at = at
    }
}

/// Everything the exporter knows about one agent.
public struct AgentRecord: Sendable {
    /// How many transitions each agent keeps in memory; the full history is in storage.
    public static let historyLimit = 200

    public let name: String
    public var agentType: String? { didSet { refreshRenderedLabels() } }
    public var host: String? { didSet { refreshRenderedLabels() } }
    public var labels: [(name: String, value: String)] = [] { didSet { refreshRenderedLabels() } }
    public var runID: String?
    public var seq: UInt64?
    public var intervalSeconds: Double?
    public var selfReportedStatus: SelfReportedStatus?
    public var currentTask: String?
    public var firstSeen: Timestamp
    public var lastBeat: Timestamp
    public var counters = AgentCounters()
    public var gauges = AgentGauges()
    public var taskDurations: DurationHistogram
    /// The error text of the latest failed task that carried one, and when its beat arrived. Kept in memory
    /// only: an exporter restart forgets it (the failure counts are persisted).
    public var lastTaskError: TaskError?
    /// The agent's recent cost marks, for its cost per hour (in memory only).
    public var costWindow = CostWindow()
    /// Set while an operator has the agent killed.
    public var killed: OperatorAction?
    /// When an operator last resumed the agent. A killed agent stops beating, as it is told; its silence is
    /// counted from the resume, not from its last beat, so a resume gives it the full thresholds to beat again.
    /// Not stored on its own: ``AgentRegistry/restore(_:)`` reads it back from the history.
    public var resumedAt: Timestamp?
    /// Set while the agent is deregistered.
    public var stopped: OperatorAction?
    /// Set while a recovery ladder works on the agent (``AgentRegistry/beginRecovery(_:ladder:step:at:)``).
    /// Kept in memory only: the ladder's own storage restores it after a restart of the exporter.
    public var recovery: AgentRecovery?
    /// The state last recorded in the history; age-based changes are noticed by ``AgentRegistry/sweep(at:)``.
    public var recordedState: HealthState
    public var stateSince: Timestamp
    /// The most recent transitions, oldest first, at most ``historyLimit``.
    public var history: [Transition] = []

    /// `agent="…",agent_type="…"`, rendered once for every series of this agent.
    public private(set) var seriesLabels = RenderedLabels.empty
    /// The labels of `agent_info`: agent, agent_type, host and the agent's own labels.
    public private(set) var infoLabels = RenderedLabels.empty

    public init(
        name: String, firstSeen: Timestamp, taskDurationBounds: [Double] = DurationHistogram.defaultUpperBounds
    ) {
        self.name = name
        self.firstSeen = firstSeen
        self.lastBeat = firstSeen
        self.taskDurations = DurationHistogram(upperBounds: taskDurationBounds)
        self.recordedState = .healthy
        self.stateSince = firstSeen
        refreshRenderedLabels()
    }

    /// The agent's state at `now` under `policy`: killed, then stopped, then recovering win over the age of the
    /// last beat.
    public func state(at now: Timestamp, policy: HealthPolicy) -> HealthState {
        if killed != nil { return .killed }
        if stopped != nil { return .stopped }
        if recovery != nil { return .recovering }
        return policy.ageState(lastBeat: silentSince, now: now, thresholds: thresholds(policy))
    }

    /// Where the agent's silence counts from: its last beat, or the resume when that came later.
    public var silentSince: Timestamp {
        guard let resumedAt, resumedAt > lastBeat else { return lastBeat }
        return resumedAt
    }

    /// The thresholds that apply to this agent.
    public func thresholds(_ policy: HealthPolicy) -> HealthThresholds {
        policy.thresholds(agentType: agentType, interval: intervalSeconds)
    }

    /// Records a transition to `state` and keeps the in-memory history bounded.
    mutating func transition(to state: HealthState, at time: Timestamp, reason: String) -> Transition {
        let entry = Transition(
            agent: name, from: history.isEmpty ? nil : recordedState, to: state, at: time, reason: reason)
        recordedState = state
        stateSince = time
        appendHistory(entry)
        return entry
    }

    /// Adds a transition read back from storage or made here.
    public mutating func appendHistory(_ entry: Transition) {
        history.append(entry)
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit) }
    }

    private mutating func refreshRenderedLabels() {
        var pairs: [(name: String, value: String)] = [("agent", name)]
        if let agentType { pairs.append(("agent_type", agentType)) }
        seriesLabels = RenderedLabels(pairs)
        if let host { pairs.append(("host", host)) }
        infoLabels = RenderedLabels(pairs + labels)
    }
}
