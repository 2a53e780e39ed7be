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
    /// The 5-minute activity bucket being filled (in memory only; closed buckets are stored through
    /// ``ActivityStorage``); nil until the next counted beat after the last one was closed.
    public var openActivity: OpenActivity?
    /// When an operator last resumed the agent. A killed agent stops beating, as it is told; its silence is
    /// counted from the resume, not from its last beat, so a resume gives it the full thresholds to beat again.
    /// Not stored on its own: ``AgentRegistry/restore(_:)`` reads it back from the history.
    public var resumedAt: Timestamp?
    /// When the exporter started watching again, for an agent that was healthy when it stopped: its silence counts
    /// from there, not from its last beat, so the exporter's own downtime is not held against it (a restart after
    /// an outage longer than the thresholds would otherwise page every agent still alive). Not stored.
    public var watchedSince: Timestamp?
    /// Set by a beat carrying `"ephemeral": true` (a batch worker, a serverless run): never judged degraded,
    /// forgotten as soon as it stops, and after `health.forget_after` once unreachable. A later beat carrying
    /// `"ephemeral": false` clears it; a beat without the field leaves it as it is.
    public var ephemeral = false
    /// The `grace_seconds` of the agent's latest beat: added to both thresholds until the next beat (one long task).
    public var beatGrace: PrometheusDuration?
    /// The agents this one depends on, as its beats last declared them (`depends_on`); a beat without the field
    /// leaves it as it is, an empty list clears it. The configuration's `dependencies:` add to it
    /// (``DependencyMap``).
    public var dependsOn: [String] = []
    /// The agent's task outcomes in a row and the time of its latest ones (``TaskStreak``).
    public var streak = TaskStreak()
    /// True for an agent the configuration expects (``ExpectedAgent``) that has not beaten since it was listed: its
    /// state is ``HealthState/missing``. It is stored, and restored as awaiting (it has counted no heartbeat), so
    /// ``firstSeen`` (when it was first listed) outlives a restart.
    public var awaitingFirstBeat = false
    /// The state last recorded in the history; age-based changes are noticed by ``AgentRegistry/sweep(at:)``.
    public var recordedState: HealthState
    public var stateSince: Timestamp
    /// The most recent transitions, oldest first, at most ``historyLimit``.
    public var history: [Transition] = []

    /// `agent="…",agent_type="…"`, rendered once for every series of this agent.
    public private(set) var seriesLabels = RenderedLabels.empty
    /// The labels of `agent_info`: agent, agent_type, host and the agent's own labels.
    public private(set) var infoLabels = RenderedLabels.empty
    /// A job's schedule and runs, the operator's actions, recovery and maintenance (``AgentLifecycle``); nil while
    /// all are empty, as for most agents.
    var lifecycleBox: AgentLifecycleBox?

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

    /// The agent's state at `now` under `policy`: killed, then stopped, then an open maintenance window, then
    /// recovering, then missing (expected and never seen) win over the age of the last beat. An ephemeral agent is
    /// never degraded: it is healthy until it is unreachable.
    public func state(at now: Timestamp, policy: HealthPolicy) -> HealthState {
        if let box = lifecycleBox {  // read in place: most agents have none
            if box.value.killed != nil { return .killed }
            if box.value.stopped != nil { return .stopped }
            if let maintenance = box.value.maintenance, maintenance.isOpen(at: now) { return .maintenance }
            if box.value.recovery != nil { return .recovering }
        }
        if awaitingFirstBeat { return .missing }
        let state = policy.ageState(lastBeat: silentSince, now: now, thresholds: judgement(policy).thresholds)
        return ephemeral && state == .degraded ? .healthy : state
    }

    /// Where the agent's silence counts from: its last beat, or the resume, the end of a maintenance window or the
    /// exporter's start (``watchedSince``) when that came later.
    public var silentSince: Timestamp {
        var since = lastBeat
        if let watchedSince, watchedSince > since { since = watchedSince }
        if let resumedAt, resumedAt > since { since = resumedAt }
        if let end = maintenance?.until, end > since { since = end }
        return since
    }

    /// The thresholds that apply to this agent.
    public func thresholds(_ policy: HealthPolicy) -> HealthThresholds {
        judgement(policy).thresholds
    }

    /// The thresholds that apply to this agent under `policy`, and where they come from; a beat's `grace_seconds`
    /// stretches both until the next beat.
    public func judgement(_ policy: HealthPolicy) -> HealthJudgement {
        var judgement = policy.judgement(for: self)
        if let beatGrace {
            judgement.thresholds.degradedAfter += beatGrace
            judgement.thresholds.unreachableAfter += beatGrace
        }
        return judgement
    }

    /// Whether the agent's task outcomes are runs of a job even without a start: it has a schedule, an interval of
    /// an hour or more, or finished runs before.
    public var isJob: Bool {
        schedule != nil || scheduleDeadlines != nil || lastRun != nil
            || (intervalSeconds ?? 0) >= HealthPolicy.batchIntervalMinimum.seconds
    }

    /// How long the open run may last before it is reported: the start's `max_runtime_seconds`, else the
    /// `max_runtime` of the schedule that judges the agent; nil when neither says.
    public var maxRuntime: PrometheusDuration? {
        openRun?.maxRuntime ?? scheduleDeadlines?.schedule.maxRuntime ?? schedule?.maxRuntime
    }

    /// Whether the open run has lasted longer than ``maxRuntime`` at `now`.
    public func isRunningTooLong(at now: Timestamp) -> Bool {
        guard let openRun, let maxRuntime else { return false }
        return now - openRun.startedAt > maxRuntime
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
        guard host != nil || !labels.isEmpty else {
            infoLabels = seriesLabels  // the same bytes, held once
            return
        }
        if let host { pairs.append(("host", host)) }
        infoLabels = RenderedLabels(pairs + labels)
    }
}
