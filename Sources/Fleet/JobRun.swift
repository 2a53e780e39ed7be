import Model

/// A run of a batch job that has started and not yet finished (issue 15's start and finish).
///
/// Opened by `POST /api/v1/agents/{agent}/start` or a beat with `"run": "start"`; the next beat with a task
/// outcome (or `"run": "finish"`, or an `exit_code`) closes it into the agent's ``FinishedRun``.
public struct OpenRun: Sendable, Equatable {
    /// When the exporter received the start; the duration is measured from here.
    public var startedAt: Timestamp
    /// How long this run may stay open before it is reported (`max_runtime_seconds` of the start); nil leaves it
    /// to the schedule's ``AgentSchedule/maxRuntime``.
    public var maxRuntime: PrometheusDuration?

    public init(startedAt: Timestamp, maxRuntime: PrometheusDuration? = nil) {
        self.startedAt = startedAt
        self.maxRuntime = maxRuntime
    }
}

/// The last finished run of a batch job: its result, how long it took, its exit code and the end of its output.
public struct FinishedRun: Sendable, Equatable {
    /// When it started; nil for a run whose finish came without a start (then it has no duration).
    public var startedAt: Timestamp?
    /// When the exporter received the finish.
    public var finishedAt: Timestamp
    public var success: Bool
    /// The command's exit code, when the finish carried one (0…255).
    public var exitCode: Int?
    /// The last lines of the run's output, at most ``HeartbeatLimits/maxRunOutputBytes`` (longer output is cut at
    /// its start, so the last lines stay). Stored with the run and shown in the API and on the agent's page, never
    /// in a label.
    public var output: String?

    public init(
        startedAt: Timestamp?, finishedAt: Timestamp, success: Bool, exitCode: Int? = nil, output: String? = nil
    ) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.success = success
        self.exitCode = exitCode
        self.output = output
    }

    /// How long the run took, measured by the exporter from its start to its finish; nil without a start.
    public var duration: PrometheusDuration? {
        guard let startedAt else { return nil }
        return max(.zero, finishedAt - startedAt)
    }
}

/// What a heartbeat says about a run: `"run": "start"` or `"run": "finish"` with its details.
public struct RunSignal: Sendable, Equatable {
    /// Whether the beat opens a run or closes one.
    public enum Phase: String, Sendable, CaseIterable {
        case start, finish
    }

    /// Nil when the beat has no `run` field: it may still finish an open run by carrying a task outcome.
    public var phase: Phase?
    /// `max_runtime_seconds` of a start.
    public var maxRuntime: PrometheusDuration?
    /// `exit_code` of a finish.
    public var exitCode: Int?
    /// `output` of a finish, already cut to ``HeartbeatLimits/maxRunOutputBytes``.
    public var output: String?

    public init(
        phase: Phase? = nil, maxRuntime: PrometheusDuration? = nil, exitCode: Int? = nil, output: String? = nil
    ) {
        self.phase = phase
        self.maxRuntime = maxRuntime
        self.exitCode = exitCode
        self.output = output
    }

    /// True when the signal carries nothing.
    public var isEmpty: Bool { phase == nil && maxRuntime == nil && exitCode == nil && output == nil }
}
