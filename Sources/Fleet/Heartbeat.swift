/// One validated heartbeat, as an agent pushed it (DESIGN §5).
///
/// Build it with ``HeartbeatDecoder``, which checks every field and limit; a `Heartbeat` value is always valid.
public struct Heartbeat: Sendable, Equatable {
    /// The agent's name: 1–128 of `[A-Za-z0-9_.:-]`.
    public var agent: String
    public var agentType: String?
    public var host: String?
    /// Identifies one run of the agent process; a new value counts a restart.
    public var runID: String?
    /// Increases with each beat of a run; a beat whose `seq` is not above the last one seen is a retry.
    public var seq: UInt64?
    /// How often the agent promises to beat, in seconds; scales its health thresholds.
    public var intervalSeconds: Double?
    /// When the agent expects to run (a cron expression, time zone and grace); judges its health instead of the
    /// interval unless the operator's configuration says otherwise.
    public var schedule: AgentSchedule?
    /// What the agent says of itself; shown, not used to judge health.
    public var status: SelfReportedStatus?
    public var currentTask: String?
    /// Progress of the current task, 0…1.
    public var taskProgress: Double?
    /// Extra labels for `agent_info`, in the order sent.
    public var labels: [(name: String, value: String)]
    /// Tasks finished since the previous beat.
    public var tasks: [TaskReport]
    public var metrics: HeartbeatMetrics
    /// Whether the beat opens or closes a run of a batch job, and the run's details (`run`, `max_runtime_seconds`,
    /// `exit_code`, `output`).
    public var run = RunSignal()
    /// `ephemeral`: true for a batch worker or serverless run that is forgotten once it stops or goes silent
    /// (``AgentRecord/ephemeral``); nil when the beat does not say.
    public var ephemeral: Bool?
    /// `grace_seconds`: extra time added to the agent's thresholds until its next beat, for one long task; at most
    /// ``HeartbeatLimits/maxGraceSeconds``.
    public var graceSeconds: Double?
    /// `depends_on`: the agents this one depends on (at most ``DependencyLimits/maxDependencies``, agent names);
    /// while one of them is down its alerts are muted. Nil when the beat does not say.
    public var dependsOn: [String]?

    public init(
        agent: String, agentType: String? = nil, host: String? = nil, runID: String? = nil, seq: UInt64? = nil,
        intervalSeconds: Double? = nil, schedule: AgentSchedule? = nil, status: SelfReportedStatus? = nil,
        currentTask: String? = nil,
        taskProgress: Double? = nil, labels: [(name: String, value: String)] = [], tasks: [TaskReport] = [],
        metrics: HeartbeatMetrics = HeartbeatMetrics()
    ) {
        self.agent = agent
        self.agentType = agentType
        self.host = host
        self.runID = runID
        self.seq = seq
        self.intervalSeconds = intervalSeconds
        self.schedule = schedule
        self.status = status
        self.currentTask = currentTask
        self.taskProgress = taskProgress
        self.labels = labels
        self.tasks = tasks
        self.metrics = metrics
    }

    public static func == (lhs: Heartbeat, rhs: Heartbeat) -> Bool {
        lhs.agent == rhs.agent && lhs.agentType == rhs.agentType && lhs.host == rhs.host && lhs.runID == rhs.runID
            && lhs.seq == rhs.seq && lhs.intervalSeconds == rhs.intervalSeconds && lhs.schedule == rhs.schedule
            && lhs.status == rhs.status
            && lhs.currentTask == rhs.currentTask && lhs.taskProgress == rhs.taskProgress
            && lhs.labels.elementsEqual(rhs.labels, by: { $0 == $1 }) && lhs.tasks == rhs.tasks
            && lhs.metrics == rhs.metrics && lhs.run == rhs.run && lhs.ephemeral == rhs.ephemeral
            && lhs.graceSeconds == rhs.graceSeconds && lhs.dependsOn == rhs.dependsOn
    }
}

/// The status an agent reports about itself.
public enum SelfReportedStatus: String, Sendable, CaseIterable {
    case healthy, degraded, unhealthy
}

/// One finished task, reported with the next heartbeat.
public struct TaskReport: Sendable, Equatable {
    public var success: Bool
    public var latencyMilliseconds: Double?
    public var costUSD: Double
    public var tokens: Double
    /// Why a failed task failed, as the client put it (such as `TimeoutError: upstream took 30 s`); at most
    /// ``HeartbeatLimits/maxTaskErrorBytes``, longer texts are cut.
    public var error: String?

    public init(
        success: Bool, latencyMilliseconds: Double? = nil, costUSD: Double = 0, tokens: Double = 0,
        error: String? = nil
    ) {
        self.success = success
        self.latencyMilliseconds = latencyMilliseconds
        self.costUSD = costUSD
        self.tokens = tokens
        self.error = error
    }
}

/// The `metrics` object: deltas since the previous beat, and current values.
public struct HeartbeatMetrics: Sendable, Equatable {
    /// Cost not attributed to a reported task, since the previous beat.
    public var costUSD: Double = 0
    /// Tokens not attributed to a reported task, since the previous beat.
    public var tokens: Double = 0
    /// Errors since the previous beat.
    public var errors: Double = 0
    public var queueDepth: Double?
    public var activeTasks: Double?
    public var memoryBytes: Double?

    public init(
        costUSD: Double = 0, tokens: Double = 0, errors: Double = 0,
        queueDepth: Double? = nil, activeTasks: Double? = nil, memoryBytes: Double? = nil
    ) {
        self.costUSD = costUSD
        self.tokens = tokens
        self.errors = errors
        self.queueDepth = queueDepth
        self.activeTasks = activeTasks
        self.memoryBytes = memoryBytes
    }
}
