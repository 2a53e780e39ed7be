import Fleet
import Logging
import Model
import Synchronization

/// Runs the configured recovery ladders: starts a run when an agent enters its ladder's trigger state, carries
/// out the steps one after the other, ends the run when the agent beats again or the last wait is over, and keeps
/// the agent's state (`recovering`) and its alerts (held, then dropped or released) in step with the run.
///
/// Driven by the maintenance thread: ``tick(transitions:)`` after each sweep, with the transitions the sweep
/// made (a run starts on a transition into the trigger state, never for an agent already there). Steps are
/// carried out off that thread by the ``RecoveryStepExecutor``; their results come back through
/// ``stepsSettled()``-observable tasks and are acted on at the next tick. Each run is saved through
/// ``RecoveryStorage`` whenever it changes, a step always before it is carried out, so ``restore()`` after a
/// restart goes on where the run was: a wait continues, a step that was running is closed as interrupted and
/// never carried out again.
///
/// One run per silence: after a run ended (unless it was cancelled), the agent gets another only once it has
/// beaten again and entered the trigger state anew; at most `max_runs_per_hour` runs of a ladder start for an
/// agent in any hour, and one more is refused (the agent's alerts go to a person at once). Killed and stopped
/// agents are never recovered: a run whose agent is killed, stopped or deleted is cancelled.
///
/// The exporter's own downtime is not held against an agent: an agent whose last beat is older than this
/// process gets a run only once it has stayed silent for the whole trigger threshold since the exporter started
/// (its health is judged from its last beat as usual; only the ladder waits). After an outage longer than the
/// thresholds, the agents still alive beat again within their interval, and nothing of theirs is restarted.
public final class LadderRunner: Sendable {
    /// How long ended runs are kept in storage.
    public static let retention = PrometheusDuration.hours(7 * 24)

    private struct ActiveRun {
        var run: RecoveryRun
        var ladder: RecoveryLadder
        var plan: RecoveryPlan
        var labels: Labels
    }

    private struct State {
        var ladders: [RecoveryLadder] = []
        var active: [String: ActiveRun] = [:]
        /// Each agent's last ended run.
        var latest: [String: RecoveryRun] = [:]
        /// Start times of the runs (refused ones excepted) by ladder and agent, within the last hour.
        var starts: [RunKey: [Timestamp]] = [:]
        var inFlight: [String: Task<Void, Never>] = [:]
        /// Agents whose alerts were released to a person, with when: once they beat again, their later alerts no
        /// longer speak of the ladder.
        var released: [String: Timestamp] = [:]
        /// Agents that entered a trigger state on a beat older than this process, waiting for the whole threshold
        /// to pass since the exporter started.
        var deferred: Set<String> = []
        /// Agents to consider at the next tick because this node took the lead from another (``takeOver()``).
        var takenOver: Set<String> = []
        var lastPrune: Timestamp?
    }

    private struct RunKey: Hashable {
        var ladder: String
        var agent: String
    }

    private let registry: AgentRegistry
    private let holds: any AlertHolding
    private let store: any RecoveryStorage
    private let executor: any RecoveryStepExecutor
    private let clock: any WallClock
    private let logger: Logger
    private let searchPath: String
    /// When this process started: silences before it are the exporter's, not the agents'.
    private let startedAt: Timestamp
    private let state = Mutex(State())
    /// The runs' and steps' counters.
    public let metrics = RecoveryMetrics()

    /// A runner with no ladder (``configure(_:)`` gives it its ladders).
    /// - Parameters:
    ///   - searchPath: the `PATH` commands are looked up in and get (the exporter's own).
    public init(
        registry: AgentRegistry, holds: any AlertHolding, store: any RecoveryStorage,
        executor: any RecoveryStepExecutor, clock: any WallClock, logger: Logger, searchPath: String
    ) {
        self.registry = registry
        self.holds = holds
        self.store = store
        self.executor = executor
        self.clock = clock
        self.logger = logger
        self.searchPath = searchPath
        startedAt = clock.now()
    }

    /// Puts `ladders` in force (at start and on every reload). Runs under way keep the ladder they started with.
    public func configure(_ ladders: [RecoveryLadder]) {
        metrics.register(ladders)
        state.withLock { $0.ladders = ladders }
    }

    /// Reads the runs back after a restart, before the first sweep: runs under way go on (the agent is marked
    /// `recovering` and its alerts held again), a step that was running when the exporter stopped is closed as
    /// interrupted (its wait counts from now), and the last hour's runs count against `max_runs_per_hour`.
    /// - Throws: ``StorageError`` when the runs cannot be read.
    public func restore() throws(StorageError) {
        let now = clock.now()
        let runs = try store.loadRecoveryRuns(startedSince: now - .hours(1)).sorted { $0.startedAt < $1.startedAt }
        state.withLock { state in
            for var run in runs {
                if run.outcome != .refused {
                    state.starts[RunKey(ladder: run.ladder, agent: run.agent), default: []].append(run.startedAt)
                }
                guard run.outcome == nil else {
                    state.latest[run.agent] = run
                    continue
                }
                state.latest[run.agent] = nil
                if run.isStepRunning {
                    run.interrupted(at: now)
                    save(run)
                }
                resume(run, &state, at: now)
            }
            restoreReleases(&state)
        }
    }

    /// Takes the ladders over from another node sharing the storage (issue 20; only the leader moves them on), as a
    /// restart would: what this node held of runs is dropped, the stored runs are read back (those under way go on
    /// here), and every agent degraded or unreachable now is considered at the next tick, as if it had just become
    /// so (one whose run the other node already made is left alone, as after any run).
    /// - Throws: ``StorageError`` when the runs cannot be read.
    public func takeOver() throws(StorageError) {
        state.withLock { state in
            for task in state.inFlight.values { task.cancel() }
            state = State(ladders: state.ladders)
        }
        try restore()
        let now = clock.now()
        let policy = registry.currentConfiguration.policy
        let troubled = registry.snapshot().filter {
            let health = $0.state(at: now, policy: policy)
            return health == .degraded || health == .unreachable
        }
        state.withLock { $0.takenOver = Set(troubled.map(\.name)) }
    }

    /// The agents whose ladder gave up and that have not beaten since: their alerts carry what was tried again.
    private func restoreReleases(_ state: inout State) {
        for (agent, run) in state.latest {
            guard let ended = run.endedAt, let outcome = run.outcome, let lastBeat = registry.lastHeartbeat(of: agent),
                lastBeat <= ended
            else { continue }
            if case .recovered = outcome { continue }
            holds.noteReleased(agent: agent, annotation: run.tried)
            state.released[agent] = ended
        }
    }

    /// Takes an unfinished run back after a restart.
    private func resume(_ run: RecoveryRun, _ state: inout State, at now: Timestamp) {
        guard let record = registry.agent(named: run.agent) else {
            return end(run, as: .cancelled("agent deleted"), &state, at: now, held: false)
        }
        guard let ladder = state.ladders.first(where: { $0.name == run.ladder }) else {
            return end(run, as: .cancelled("ladder removed from the configuration"), &state, at: now, held: false)
        }
        let labels = Self.labels(of: record)
        let plan: RecoveryPlan
        do throws(RecoveryPlanError) {
            guard let made = try RecoveryPlan.make(labels: labels, ladders: [ladder], searchPath: searchPath) else {
                return end(run, as: .cancelled("ladder no longer matches"), &state, at: now, held: false)
            }
            plan = made
        } catch {
            return end(run, as: .exhausted, &state, at: now, held: false, problem: error.description)
        }
        let step = run.steps.last?.name ?? ladder.steps.first?.name ?? ""
        do throws(RegistryError) {
            try registry.beginRecovery(run.agent, ladder: run.ladder, step: step, at: now)
        } catch {
            return end(run, as: .cancelled(Self.reason(error)), &state, at: now, held: false)
        }
        holds.hold(agent: run.agent)
        state.active[run.agent] = ActiveRun(run: run, ladder: ladder, plan: plan, labels: labels)
    }

    /// One round at the clock's time: starts runs for the agents that `transitions` took into a ladder's trigger
    /// state, then moves every run on (a step to start, a wait over, a beat that ends it).
    public func tick(transitions: [Transition]) {
        let now = clock.now()
        state.withLock { state in
            guard !state.ladders.isEmpty || !state.active.isEmpty else { return }
            for transition in transitions where transition.to == .degraded || transition.to == .unreachable {
                consider(transition.agent, entering: transition.to, &state, at: now)
            }
            for agent in state.deferred.sorted() {
                guard let record = registry.agent(named: agent), record.lastBeat < startedAt else {
                    state.deferred.remove(agent)
                    continue
                }
                let health = record.state(at: now, policy: registry.currentConfiguration.policy)
                guard health == .degraded || health == .unreachable else {
                    state.deferred.remove(agent)
                    continue
                }
                consider(agent, entering: health, &state, at: now)
            }
            for agent in state.takenOver.sorted() {
                guard let record = registry.agent(named: agent) else { continue }
                let health = record.state(at: now, policy: registry.currentConfiguration.policy)
                if health == .degraded || health == .unreachable { consider(agent, entering: health, &state, at: now) }
            }
            state.takenOver = []
            for agent in state.active.keys.sorted() { advance(agent, &state, at: now) }
            for (agent, time) in state.released {
                if let lastBeat = registry.lastHeartbeat(of: agent), lastBeat <= time { continue }
                state.released[agent] = nil
                holds.dropHold(agent: agent)
            }
            pruneIfDue(&state, at: now)
        }
    }

    /// Starts a run for `agent`, which entered `health`, if a ladder applies, its trigger is met, the agent has
    /// had no run since its last beat (a cancelled one aside), and its silence is its own (see the type's note).
    private func consider(_ agent: String, entering health: HealthState, _ state: inout State, at now: Timestamp) {
        guard state.active[agent] == nil, let record = registry.agent(named: agent), record.killed == nil,
            record.stopped == nil
        else { return }
        let labels = Self.labels(of: record)
        guard let ladder = state.ladders.first(where: { $0.matches(labels) }),
            ladder.trigger == .degraded || health == .unreachable
        else { return }
        if let latest = state.latest[agent], latest.startedAt >= record.lastBeat, !latest.wasCancelled { return }
        if record.lastBeat < startedAt {
            let thresholds = record.judgement(registry.currentConfiguration.policy).thresholds
            let threshold = ladder.trigger == .degraded ? thresholds.degradedAfter : thresholds.unreachableAfter
            guard now - startedAt >= threshold else {
                state.deferred.insert(agent)
                return
            }
            state.deferred.remove(agent)
        }
        let run = RecoveryRun(agent: agent, ladder: ladder.name, trigger: ladder.trigger, startedAt: now)
        let key = RunKey(ladder: ladder.name, agent: agent)
        let earlier = state.starts[key, default: []]
        guard RecoveryRun.mayStart(at: now, after: earlier, maxRunsPerHour: ladder.maxRunsPerHour) else {
            holds.hold(agent: agent)
            return end(run, as: .refused, &state, at: now, held: true)
        }
        state.starts[key, default: []].append(now)
        let plan: RecoveryPlan
        do throws(RecoveryPlanError) {
            guard let made = try RecoveryPlan.make(labels: labels, ladders: [ladder], searchPath: searchPath) else {
                return
            }
            plan = made
        } catch {
            holds.hold(agent: agent)
            return end(run, as: .exhausted, &state, at: now, held: true, problem: error.description)
        }
        do throws(RegistryError) {
            try registry.beginRecovery(agent, ladder: ladder.name, step: ladder.steps.first?.name ?? "", at: now)
        } catch {
            return
        }
        holds.hold(agent: agent)
        logger.info(
            "recovery started", metadata: ["agent": "\(agent)", "ladder": "\(ladder.name)", "trigger": "\(health)"])
        save(run)
        state.active[agent] = ActiveRun(run: run, ladder: ladder, plan: plan, labels: labels)
    }

    /// Does what the run of `agent` calls for at `now`.
    private func advance(_ agent: String, _ state: inout State, at now: Timestamp) {
        guard var active = state.active[agent] else { return }
        guard let record = registry.agent(named: agent) else {
            return end(active.run, as: .cancelled("agent deleted"), &state, at: now, held: true)
        }
        if record.killed != nil { return end(active.run, as: .cancelled("agent killed"), &state, at: now, held: true) }
        if record.stopped != nil {
            return end(active.run, as: .cancelled("agent stopped"), &state, at: now, held: true)
        }
        switch active.run.next(at: now, lastBeat: record.lastBeat, steps: active.ladder.steps) {
        case .wait:
            return
        case .end(let outcome):
            end(active.run, as: outcome, &state, at: now, held: true)
        case .start(let index):
            guard index < active.plan.steps.count else {
                return end(active.run, as: .exhausted, &state, at: now, held: true)
            }
            let step = active.plan.steps[index]
            var run = active.run
            run.started(step: index, name: step.name, at: now)
            do throws(StorageError) {
                try store.saveRecoveryRun(run)
            } catch {
                // Carried out only once it is recorded: a restart must never start it again.
                logger.error(
                    "recording a recovery step failed; will retry",
                    metadata: ["agent": "\(agent)", "step": "\(step.name)", "error": "\(error)"])
                return
            }
            active.run = run
            state.active[agent] = active
            if index > 0 { _ = try? registry.setRecoveryStep(agent, step: step.name, at: now) }
            logger.info(
                "recovery step started",
                metadata: ["agent": "\(agent)", "ladder": "\(active.ladder.name)", "step": "\(step.name)"])
            launch(step, of: active, &state)
        }
    }

    /// Carries out `step` off the lock; its report is recorded by ``stepFinished(agent:runID:ladder:step:report:)``.
    private func launch(_ step: RecoveryPlan.Step, of active: ActiveRun, _ state: inout State) {
        let run = active.run
        let body = RecoveryWebhookBody(
            agent: run.agent, labels: active.labels, ladder: run.ladder, step: step.name,
            reason: run.trigger.rawValue, startedAt: run.startedAt,
            tried: run.steps.dropLast().map { "\($0.name): \($0.summary ?? "running")" })
        let executor = executor
        state.inFlight[run.id] = Task {
            let report = await executor.carryOut(step, body: body)
            self.stepFinished(agent: run.agent, runID: run.id, ladder: run.ladder, step: step.name, report: report)
        }
    }

    private func stepFinished(agent: String, runID: String, ladder: String, step: String, report: StepReport) {
        let now = clock.now()
        metrics.countStep(ladder: ladder, step: step, outcome: report.outcome)
        logger.info(
            "recovery step finished",
            metadata: [
                "agent": "\(agent)", "ladder": "\(ladder)", "step": "\(step)", "result": "\(report.outcome.rawValue)",
                "summary": "\(report.summary)",
            ])
        state.withLock { state in
            state.inFlight[runID] = nil
            if var active = state.active[agent], active.run.id == runID {
                active.run.finished(at: now, outcome: report.outcome, summary: report.summary, output: report.output)
                state.active[agent] = active
                save(active.run)
            } else if var latest = state.latest[agent], latest.id == runID {
                latest.finished(at: now, outcome: report.outcome, summary: report.summary, output: report.output)
                state.latest[agent] = latest
                save(latest)
            }
        }
    }

    /// Ends `run` as `outcome`: records it, counts it, ends the agent's `recovering` mark, and drops the hold on
    /// its alerts (recovered) or releases them with what was tried (otherwise), when `held`.
    private func end(
        _ run: RecoveryRun, as outcome: RecoveryRun.Outcome, _ state: inout State, at now: Timestamp, held: Bool,
        problem: String? = nil
    ) {
        var run = run
        run.end(outcome, at: now, problem: problem)
        save(run)
        state.active[run.agent] = nil
        state.latest[run.agent] = run
        metrics.countRun(ladder: run.ladder, outcome: outcome)
        _ = try? registry.endRecovery(run.agent, reason: outcome.text, at: now)
        if case .recovered = outcome {
            holds.dropHold(agent: run.agent)
        } else if held {
            holds.release(agent: run.agent, annotation: run.tried)
            state.released[run.agent] = now
        }
        logger.info(
            "recovery ended",
            metadata: [
                "agent": "\(run.agent)", "ladder": "\(run.ladder)", "result": "\(outcome.result)",
                "outcome": "\(outcome.text)", "tried": "\(run.tried)",
            ])
    }

    private func save(_ run: RecoveryRun) {
        do throws(StorageError) {
            try store.saveRecoveryRun(run)
        } catch {
            logger.error("saving a recovery run failed", metadata: ["agent": "\(run.agent)", "error": "\(error)"])
        }
    }

    /// Once an hour: forgets start times older than an hour and deletes runs past ``retention``.
    private func pruneIfDue(_ state: inout State, at now: Timestamp) {
        if let last = state.lastPrune, now - last < .hours(1) { return }
        state.lastPrune = now
        state.latest = state.latest.filter { registry.agent(named: $0.key) != nil }
        state.starts = state.starts.compactMapValues { starts in
            let recent = starts.filter { $0 > now - .hours(1) }
            return recent.isEmpty ? nil : recent
        }
        do throws(StorageError) {
            try store.deleteRecoveryRuns(endedBefore: now - Self.retention)
        } catch {
            logger.error("deleting old recovery runs failed", metadata: ["error": "\(error)"])
        }
    }

    /// The run under way for `agent`, else its last run; nil when it never had one (kept for ``retention``).
    public func run(of agent: String) -> RecoveryRun? {
        state.withLock { $0.active[agent]?.run ?? $0.latest[agent] }
    }

    /// The agents with a run under way, sorted.
    public var runningAgents: [String] {
        state.withLock { $0.active.keys.sorted() }
    }

    /// Returns when every step being carried out has finished and been recorded (tests; shutdown).
    public func stepsSettled() async {
        while true {
            let tasks = state.withLock { Array($0.inFlight.values) }
            guard !tasks.isEmpty else { return }
            for task in tasks { await task.value }
        }
    }

    /// An agent's labels as ladders match and expand them.
    static func labels(of record: AgentRecord) -> Labels {
        RecoveryPlan.agentLabels(agent: record.name, agentType: record.agentType, host: record.host, own: record.labels)
    }

    private static func reason(_ error: RegistryError) -> String {
        switch error {
        case .notRecoverable(_, let state): "agent \(state.rawValue)"
        case .unknownAgent: "agent deleted"
        default: "\(error)"
        }
    }
}
