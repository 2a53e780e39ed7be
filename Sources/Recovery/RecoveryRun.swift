import Model

/// One run of a ladder for one agent: what was started when, how each step ended, and how the run ended.
///
/// A value the ladder runner keeps (and stores) per agent and asks what to do next with ``next(at:lastBeat:steps:)``;
/// every change is one of the mutating methods, so a run read back after a restart goes on from where it was. A
/// step is recorded as started before it is carried out, and a step found started but unfinished after a restart
/// is closed as interrupted (``interrupted(at:)``), never started again.
public struct RecoveryRun: Sendable, Equatable {
    /// How a run ended.
    public enum Outcome: Sendable, Equatable {
        /// The agent beat again after the named step started (nil: before any step started).
        case recovered(by: String?)
        /// The last step's wait ended without a beat: the held alerts go to a person.
        case exhausted
        /// `max_runs_per_hour` runs had started within the hour: the held alerts go to a person at once.
        case refused
        /// The run stopped before its end for the reason given (`agent killed`, `ladder removed from the
        /// configuration`): the held alerts go to their receivers as they would without a ladder.
        case cancelled(String)

        /// The `result` label of `heartbeat_exporter_recovery_runs_total`.
        public var result: String {
            switch self {
            case .recovered: "recovered"
            case .exhausted: "exhausted"
            case .refused: "refused"
            case .cancelled: "cancelled"
            }
        }

        /// For a person and the agent's history: `recovered by restart`, `recovery exhausted`, ….
        public var text: String {
            switch self {
            case .recovered(let step?): "recovered by \(step)"
            case .recovered(nil): "recovered before any step"
            case .exhausted: "recovery exhausted"
            case .refused: "recovery refused: max_runs_per_hour reached"
            case .cancelled(let reason): "recovery cancelled: \(reason)"
            }
        }
    }

    /// One step of the run.
    public struct Step: Sendable, Equatable {
        /// The step's name, as in the ladder.
        public var name: String
        /// When it was started.
        public var startedAt: Timestamp
        /// When it ended; nil while it runs.
        public var finishedAt: Timestamp?
        /// How it ended; nil while it runs, and for a step interrupted by a restart.
        public var outcome: StepOutcome?
        /// How it ended, for a person: `exit 1 after 0.4 s`, `503 twice`, `interrupted by a restart`.
        public var summary: String?
        /// The last bytes a command wrote (bounded by the runner), for the history; nil for a webhook.
        public var output: String?

        /// A step as stored.
        public init(
            name: String, startedAt: Timestamp, finishedAt: Timestamp? = nil, outcome: StepOutcome? = nil,
            summary: String? = nil, output: String? = nil
        ) {
            self.name = name
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.outcome = outcome
            self.summary = summary
            self.output = output
        }
    }

    /// What the runner does next.
    public enum Next: Sendable, Equatable {
        /// Record the step at this index as started (``started(step:name:at:)``), then carry it out.
        case start(step: Int)
        /// Nothing until this time, unless the agent beats: a step runs (nil) or its wait lasts.
        case wait(until: Timestamp?)
        /// Record the outcome (``end(_:at:)``): the run is over.
        case end(Outcome)
    }

    /// Names the run in storage: unique among all runs.
    public var id: String
    /// The agent the run is for.
    public var agent: String
    /// The ladder's name.
    public var ladder: String
    /// The state that started the run.
    public var trigger: RecoveryTrigger
    /// When the run started.
    public var startedAt: Timestamp
    /// The steps started so far, in order.
    public private(set) var steps: [Step] = []
    /// How the run ended; nil while it goes on.
    public private(set) var outcome: Outcome?
    /// When it ended.
    public private(set) var endedAt: Timestamp?
    /// Why no step could be carried out, when none could (a command that does not expand for this agent).
    public private(set) var problem: String?

    /// A run of `ladder` for `agent` starting at `time`; `id` defaults to the agent and the start time, which no
    /// other run shares (an agent has one run at a time).
    public init(
        id: String? = nil, agent: String, ladder: String, trigger: RecoveryTrigger, startedAt time: Timestamp
    ) {
        self.id = id ?? "\(agent)@\(time.milliseconds)"
        self.agent = agent
        self.ladder = ladder
        self.trigger = trigger
        startedAt = time
    }

    /// A run read back from storage, as it was saved.
    public init(
        id: String, agent: String, ladder: String, trigger: RecoveryTrigger, startedAt: Timestamp, steps: [Step],
        outcome: Outcome?, endedAt: Timestamp?, problem: String?
    ) {
        self.init(id: id, agent: agent, ladder: ladder, trigger: trigger, startedAt: startedAt)
        self.steps = steps
        self.outcome = outcome
        self.endedAt = endedAt
        self.problem = problem
    }

    /// Whether a new run of a ladder allowing `maxRunsPerHour` may start at `time`, given the start times of the
    /// agent's earlier runs of it: no more than that many in any hour.
    public static func mayStart(at time: Timestamp, after earlier: [Timestamp], maxRunsPerHour: Int) -> Bool {
        earlier.filter { $0 > time - .hours(1) && $0 <= time }.count < maxRunsPerHour
    }

    /// What to do at `now`, given the agent's last beat (nil when it never beat) and the ladder's steps (their
    /// waits). A beat after the run started ends it as recovered, whatever runs.
    public func next(at now: Timestamp, lastBeat: Timestamp?, steps ladderSteps: [RecoveryStep]) -> Next {
        if let outcome { return .end(outcome) }
        if let lastBeat, lastBeat > startedAt {
            return .end(.recovered(by: steps.last?.name))
        }
        guard let current = steps.last else {
            return ladderSteps.isEmpty ? .end(.exhausted) : .start(step: 0)
        }
        guard let finished = current.finishedAt else { return .wait(until: nil) }
        let index = steps.count - 1
        let wait = index < ladderSteps.count ? ladderSteps[index].wait : .zero
        let waitEnds = finished + wait
        if now < waitEnds { return .wait(until: waitEnds) }
        return steps.count < ladderSteps.count ? .start(step: steps.count) : .end(.exhausted)
    }

    /// Records that step `index` (named `name`) starts at `time`.
    public mutating func started(step index: Int, name: String, at time: Timestamp) {
        guard index == steps.count, outcome == nil else { return }
        steps.append(Step(name: name, startedAt: time))
    }

    /// Records how the running step ended (also after the run ended, when the agent beat while it ran).
    public mutating func finished(at time: Timestamp, outcome: StepOutcome, summary: String, output: String? = nil) {
        guard let last = steps.indices.last, steps[last].finishedAt == nil else { return }
        steps[last].finishedAt = time
        steps[last].outcome = outcome
        steps[last].summary = summary
        steps[last].output = output
    }

    /// Whether the run was cancelled (by a kill, a stop, a deletion): it does not count as the silence's run.
    public var wasCancelled: Bool {
        if case .cancelled = outcome { return true }
        return false
    }

    /// Whether a step has started and not finished.
    public var isStepRunning: Bool { steps.last.map { $0.finishedAt == nil } ?? false }

    /// Closes a step found running after a restart: it is not started again, and its wait counts from `time`.
    public mutating func interrupted(at time: Timestamp) {
        guard let last = steps.indices.last, steps[last].finishedAt == nil else { return }
        steps[last].finishedAt = time
        steps[last].summary = "interrupted by a restart"
    }

    /// Records the run's outcome; `problem` says why no step could be carried out, if none could.
    public mutating func end(_ outcome: Outcome, at time: Timestamp, problem: String? = nil) {
        guard self.outcome == nil else { return }
        self.outcome = outcome
        endedAt = time
        self.problem = problem
    }

    /// What was tried, for the `recovery` annotation of the alerts released to a person:
    /// `restart: exit 1 after 0.4 s; replace: 503 twice`, `restart: exit 0 after 1.2 s, but no heartbeat followed`,
    /// or why nothing was.
    public var tried: String {
        if outcome == .refused { return "nothing tried: max_runs_per_hour reached" }
        if let problem { return "nothing tried: \(problem)" }
        // A step that did its part (exit 0, 2xx) in a run that gave up: the agent still did not beat after it.
        let silentAfter = outcome == .exhausted ? ", but no heartbeat followed" : ""
        var text =
            steps.isEmpty
            ? "nothing tried"
            : steps.map { step in
                "\(step.name): \(step.summary ?? "running")" + (step.outcome == .success ? silentAfter : "")
            }
            .joined(separator: "; ")
        if case .cancelled(let reason) = outcome { text += "; cancelled: \(reason)" }
        return text
    }
}
