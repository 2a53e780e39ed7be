import Alerting
import Dispatch
import Fleet
import Logging
import Model
import PromQL
import Rules
import Series
import Synchronization

extension SampleHistory: RuleSampleSink {
    public func append<Samples: Sequence<(labels: Labels, value: Double)>>(_ samples: Samples, timestamp: Int64) {
        append(contentsOf: samples, timestamp: timestamp)
    }
}

/// Evaluates the loaded rule groups over the fleet, each at its interval, in Prometheus' order: groups in
/// parallel, rules in order inside a group, each rule seeing what earlier ones wrote.
///
/// Before evaluating, the fleet is sampled into the bounded ``SampleHistory`` (only the names the rules read,
/// only as far back as their longest range plus the lookback). After each group, its alerts are saved, so
/// `for` timers and firing alerts survive a restart. ``tick()`` is driven by a scheduler thread in production
/// and called directly, with a manual clock, in tests.
public final class RuleEngine: Sendable {
    /// A loaded group and when it is next due.
    struct Scheduled: Sendable {
        let group: RuleGroup
        var nextEvaluation: Timestamp?
        var failures: UInt64 = 0
        /// Evaluations due since the group was loaded, missed ones included (Prometheus'
        /// `prometheus_rule_group_iterations_total`).
        var iterations: UInt64 = 0
        /// Evaluations skipped because the one before was still running, or the engine was behind, when they were
        /// due (`prometheus_rule_group_iterations_missed_total`).
        var missedIterations: UInt64 = 0
        /// When a warning about missed evaluations was last logged for the group.
        var missedLoggedAt: Timestamp?
        /// Whether the group reads an agent's state (``RuleEngine/stateSeriesNames``): worked out once, at install,
        /// for ``RuleEngine/evaluateGroupsReadingStateEarly()``.
        var readsState = false
    }

    struct State {
        var scheduled: [Scheduled] = []
        var settings = RuleEvaluationSettings()
        /// Where the alerts sent link to.
        var generatorLink = GeneratorLink.page("")
        /// The history's retention: names the rules read, plus their own outputs.
        var retention = SampleHistory.Retention(byName: [:])
        var lastSampled: Timestamp?
        /// Whether rules were installed before (the first install schedules the stored history's restore).
        var installedBefore = false
        /// Whether the history checkpointed before a restart is still to be restored: by the first ``tick()``, on
        /// the rule thread, so that a large history does not hold up `/-/ready`.
        var historyRestorePending = false
        /// How often the history is checkpointed to ``RuleEngine/historyStore``.
        var checkpointInterval = RuleEngine.defaultCheckpointInterval
        /// When the history was last checkpointed (or, before the first, when the rule thread first ran).
        var lastCheckpoint: Timestamp?
        /// How long the last checkpoint took (encoding and writing), nil before the first.
        var lastCheckpointDuration: PrometheusDuration?
    }

    /// How often the history is checkpointed unless the configuration says otherwise.
    public static let defaultCheckpointInterval = PrometheusDuration.minutes(1)

    let registry: AgentRegistry
    public let history: SampleHistory
    /// Samples the fleet into ``history``, keeping the history's ids of each agent's series.
    private let sampler = FleetSampler()
    let store: any AlertStateStorage
    /// Where the history is checkpointed across restarts; nil keeps it in memory only.
    let historyStore: (any RuleHistoryStorage)?
    let clock: any WallClock
    let logger: Logger
    /// Receives, after each group evaluation, the alerts it wants sent and the firing alerts whose resend is
    /// not due (the alert router keeps both current; it forwards only the first to Alertmanagers).
    private let notify: @Sendable (_ sent: [Alerting.Alert], _ refreshed: [Alerting.Alert]) -> Void
    /// Receives, after each group evaluation, every alert the group's rules hold (pending, firing, resolved).
    private let observe: @Sendable (_ alerts: [Rules.Alert]) -> Void
    /// The exporter's own series that rules may read besides the fleet's.
    let exporterSeries: [any ExporterSeriesSource]
    /// Protects the groups, their schedule and failure counts, the settings, the last sampling time and the
    /// checkpoint schedule.
    let state = Mutex(State())
    /// Called on the rule thread with the evaluation time before the fleet is sampled for due groups (see
    /// ``beforeSamplingTheFleet(_:)``).
    private let beforeSampling = Mutex<(@Sendable (Timestamp) -> Void)?>(nil)
    /// Set at shutdown: a history restore under way stops, and none starts (``abandonHistoryRestore()``).
    let restoreAbandoned = Atomic<Bool>(false)

    /// Creates an engine without rules.
    /// - Parameter exporterSeries: the exporter's own series that rules may read, sampled with the fleet.
    /// - Parameter historyStore: where the sample history is checkpointed and restored from across restarts.
    /// - Parameter observe: receives every alert a group's rules hold after each of its evaluations (the alert
    ///   history's episodes).
    /// - Parameter notify: receives the firing and resolved alerts each group evaluation sends (Prometheus'
    ///   `sendAlerts`, resent every minute), and the firing alerts it does not resend, with this evaluation's
    ///   annotations.
    public init(
        registry: AgentRegistry, store: any AlertStateStorage, clock: any WallClock, logger: Logger,
        exporterSeries: [any ExporterSeriesSource] = [], historyStore: (any RuleHistoryStorage)? = nil,
        notify: @escaping @Sendable (_ sent: [Alerting.Alert], _ refreshed: [Alerting.Alert]) -> Void = { _, _ in },
        observe: @escaping @Sendable (_ alerts: [Rules.Alert]) -> Void = { _ in }
    ) {
        self.notify = notify
        self.observe = observe
        self.exporterSeries = exporterSeries
        self.registry = registry
        self.store = store
        self.historyStore = historyStore
        self.clock = clock
        self.logger = logger
        history = SampleHistory(retention: .init(metricNames: [], window: .zero))
    }

    /// The groups in force, in file order.
    public var groups: [RuleGroup] { state.withLock { $0.scheduled.map(\.group) } }

    /// A group's counters since it was loaded.
    struct GroupCounts: Sendable {
        let group: RuleGroup
        /// Rule evaluations that failed.
        let failures: UInt64
        /// Evaluations due, missed ones included.
        let iterations: UInt64
        /// Evaluations skipped because the one before still ran when they were due.
        let missed: UInt64
    }

    /// Each group's counters, in file order.
    var groupCounts: [GroupCounts] {
        state.withLock { state in
            state.scheduled.map {
                GroupCounts(
                    group: $0.group, failures: $0.failures, iterations: $0.iterations, missed: $0.missedIterations)
            }
        }
    }

    /// Puts `groups` in force. Alerts of a rule that exists before and after (same file, group and name) are
    /// carried over, as Prometheus does on reload; on the first install they come from storage.
    /// - Parameters:
    ///   - settings: what the rules' templates see (`$externalLabels`, `$externalURL`).
    ///   - generatorLink: where the alerts sent link to (their `generatorURL`).
    ///   - checkpointInterval: how often the sample history is checkpointed to storage.
    public func install(
        _ groups: [RuleGroup], settings: RuleEvaluationSettings, generatorLink: GeneratorLink,
        checkpointInterval: PrometheusDuration = RuleEngine.defaultCheckpointInterval
    ) {
        let previous = state.withLock { state in
            defer { state.installedBefore = true }
            if !state.installedBefore, historyStore != nil { state.historyRestorePending = true }
            return state.scheduled.map(\.group)
        }
        if previous.isEmpty { restoreFromStorage(groups) } else { carryOver(from: previous, to: groups) }
        let retention = Self.retention(for: groups, defaultSubqueryStep: settings.defaultSubqueryStep)
        history.retain(retention)
        state.withLock { state in
            state.checkpointInterval = checkpointInterval
            state.scheduled = groups.map { group in
                Scheduled(
                    group: group, nextEvaluation: nil, readsState: Self.reads(group, anyOf: Self.stateSeriesNames))
            }
            state.settings = settings
            state.generatorLink = generatorLink
            state.retention = retention
        }
    }

    /// Has `prepare` called with the evaluation time before each evaluation samples the fleet: what must have
    /// happened to the fleet's state before a rule reads it (the exporter notices changes of state there and lets
    /// the recovery ladders hold alerts first).
    public func beforeSamplingTheFleet(_ prepare: @escaping @Sendable (Timestamp) -> Void) {
        beforeSampling.withLock { $0 = prepare }
    }

    /// Evaluates every group that is due at the clock's current time; the first call restores the history
    /// checkpointed before a restart first.
    public func tick() {
        guard restorePendingHistory() else { return }
        let now = clock.now()
        var behind: [MissedIterations] = []
        let (due, settings, link) = state.withLock { state -> ([RuleGroup], RuleEvaluationSettings, GeneratorLink) in
            var due: [RuleGroup] = []
            for index in state.scheduled.indices {
                guard state.scheduled[index].isDue(at: now) else { continue }
                due.append(state.scheduled[index].group)
                if let missed = state.scheduled[index].scheduleNext(after: now) { behind.append(missed) }
            }
            return (due, state.settings, state.generatorLink)
        }
        for missed in behind { logMissed(missed) }
        guard !due.isEmpty else { return }
        beforeSampling.withLock { $0 }?(now)
        sampleFleet(at: now)
        let failures = Mutex<[String: Int]>([:])
        // Groups in parallel, on threads at the rule thread's priority (background in `serve`), the slowest first.
        let order = Self.longestFirst(due.map(\.lastEvaluation.durationSeconds))
        BackgroundWork.performInParallel(due.count, width: BackgroundWork.width) { position in
            let group = due[order[position]]
            let result = group.evaluate(
                at: now, queryable: history, sink: history, settings: settings, concurrency: BackgroundWork.width)
            failures.withLock { $0[Self.key(group)] = result.failures }
            save(group)
            let sent = result.alertsToSend.flatMap { rule in
                SentAlerts.alerts(rule.alerts, expression: rule.expression, link: link, at: now)
            }
            let refreshed = result.alertsToRefresh.flatMap { rule in
                SentAlerts.alerts(rule.alerts, expression: rule.expression, link: link, at: now)
            }
            if !sent.isEmpty || !refreshed.isEmpty { notify(sent, refreshed) }
            observe(group.alertingRules.flatMap(\.activeAlerts))
        }
        let counted = failures.withLock { $0 }
        state.withLock { state in
            for index in state.scheduled.indices {
                state.scheduled[index].failures += UInt64(counted[Self.key(state.scheduled[index].group)] ?? 0)
            }
        }
        checkpointIfDue(at: now)
    }

    /// The order in which to start groups whose last evaluations took `durations` seconds: the longest first, ties
    /// in file order. Started in file order, a long group that comes last in the files ran alone at the end while
    /// the other threads had nothing left to do (at 100,000 agents the shipped rules' `agent-work` group took two
    /// thirds of the cycle and started after the others).
    static func longestFirst(_ durations: [Double]) -> [Int] {
        durations.indices.sorted { durations[$0] != durations[$1] ? durations[$0] > durations[$1] : $0 < $1 }
    }

    /// Samples the fleet's series the rules read, then the exporter's own, into the history, once per evaluation
    /// time.
    private func sampleFleet(at now: Timestamp) {
        let (names, alreadySampled) = state.withLock { state -> (Set<String>?, Bool) in
            defer { state.lastSampled = max(state.lastSampled ?? now, now) }
            return (state.retention.metricNames, state.lastSampled.map { $0 >= now } ?? false)
        }
        guard !alreadySampled else { return }
        let fleetNames = names.map { $0.intersection(FleetSampler.seriesNames) } ?? FleetSampler.seriesNames
        if !fleetNames.isEmpty {
            let configuration = registry.currentConfiguration
            sampler.sample(
                registry.snapshot(), at: now, policy: configuration.policy, names: fleetNames,
                options: configuration.exposition, histogramBounds: configuration.taskDurationBounds, into: history)
        }
        sampleExporterSeries(at: now)
    }

    static func key(_ group: RuleGroup) -> String { group.file + "\u{0}" + group.name }
}
