import Model
import PromQL
import Synchronization

/// What one evaluation of a group did, for the exporter's metrics and the notifier.
public struct GroupEvaluationResult: Sendable {
    /// How long the evaluation took, in seconds.
    public var durationSeconds: Double
    /// How many rules failed.
    public var failures: Int
    /// How many samples the rules wrote (stale markers excluded).
    public var samplesWritten: Int
    /// The alerts to send to the notifier (Prometheus' `sendAlerts`), per alerting rule with the rule's
    /// expression as Prometheus prints it (for the alerts' `generatorURL`).
    public var alertsToSend: [(expression: String, alerts: [Alert])]
    /// The firing alerts whose resend is not due yet, per alerting rule like ``alertsToSend``: Prometheus
    /// resends only every `resendDelay`, but the exporter's own alert store takes every evaluation's
    /// annotations, as an Alertmanager next to a Prometheus that resent at each evaluation would show them.
    public var alertsToRefresh: [(expression: String, alerts: [Alert])] = []
}

/// A group of rules evaluated together, in order, at one timestamp per evaluation.
public final class RuleGroup: Sendable {
    /// The group's name.
    public let name: String
    /// The file the group was loaded from.
    public let file: String
    /// The evaluation interval (the group's `interval`, else the default the loader got).
    public let interval: PrometheusDuration
    /// The group's `limit` (0: none).
    public let limit: Int
    /// The rules in file order.
    public let rules: [Rule]
    /// Which rules may run beside the others.
    let dependencies: RuleDependencies

    private struct State {
        /// The series each rule wrote at the previous evaluation, to mark the vanished ones stale.
        var previousSeries: [WrittenSeries]
        var lastEvaluation: Timestamp?
        var lastDurationSeconds = 0.0
    }

    private let state: Mutex<State>  // protects what the previous evaluation left behind

    /// Creates a group.
    public init(name: String, file: String, interval: PrometheusDuration, limit: Int = 0, rules: [Rule]) {
        self.name = name
        self.file = file
        self.interval = interval
        self.limit = limit
        self.rules = rules
        dependencies = RuleDependencies(rules)
        state = Mutex(State(previousSeries: Array(repeating: WrittenSeries([]), count: rules.count)))
    }

    /// The rules that may be evaluated beside the others (``evaluate(at:queryable:sink:settings:resendDelay:concurrency:)``
    /// with a concurrency above 1): those that read no other rule's output of the group and whose output no other
    /// reads, as Prometheus' `concurrent-rule-eval` picks them.
    public var concurrentRuleNames: [String] { dependencies.independent.map { rules[$0].name } }

    /// When the group was last evaluated and how long it took (seconds).
    public var lastEvaluation: (timestamp: Timestamp?, durationSeconds: Double) {
        state.withLock { ($0.lastEvaluation, $0.lastDurationSeconds) }
    }

    /// The alerting rules, in order.
    public var alertingRules: [AlertingRule] {
        rules.compactMap { if case .alerting(let rule) = $0 { rule } else { nil } }
    }

    /// Evaluates every rule in order at `timestamp`, as Prometheus' `Group.Eval`.
    ///
    /// Each rule reads `queryable`, which must already see the samples earlier rules wrote to `sink` in
    /// this evaluation. A rule that fails keeps its previous series and gets health `err`; the others
    /// still run. Series a rule wrote last time but not this time get a stale marker at `timestamp`.
    /// - Parameter resendDelay: Prometheus' `--rules.alert.resend-delay` (1m) for ``GroupEvaluationResult/alertsToSend``.
    /// - Parameter concurrency: how many rules may be evaluated at once. Above 1, the rules that read no other
    ///   rule's output of the group and whose output no other reads (``RuleDependencies``) run beside the others,
    ///   as under Prometheus' `concurrent-rule-eval`; the samples, alerts and result are the same as in order.
    public func evaluate(
        at timestamp: Timestamp, queryable: any Queryable, sink: any RuleSampleSink,
        settings: RuleEvaluationSettings = RuleEvaluationSettings(),
        resendDelay: PrometheusDuration = .minutes(1), concurrency: Int = 1
    ) -> GroupEvaluationResult {
        let clock = ContinuousClock()
        let groupStart = clock.now
        var settings = settings
        settings.limit = limit
        let batches = concurrency > 1 ? dependencies.batches : [Array(rules.indices)]
        let outcomes = RuleOutcomes()
        let evaluateBatch: @Sendable (Int) -> Void = { [settings] batch in
            // One evaluator per batch: batches run on threads of their own.
            let evaluator = Evaluator(storage: queryable, defaultSubqueryStep: settings.defaultSubqueryStep)
            for index in batches[batch] {
                let outcome = self.evaluate(
                    ruleAt: index, at: timestamp, evaluator: evaluator, sink: sink, settings: settings,
                    resendDelay: resendDelay)
                outcomes.slots.withLock { $0[index] = outcome }
            }
        }
        if batches.count == 1 {
            evaluateBatch(0)
        } else {
            BackgroundWork.performInParallel(batches.count, width: concurrency, evaluateBatch)
        }
        var result = GroupEvaluationResult(durationSeconds: 0, failures: 0, samplesWritten: 0, alertsToSend: [])
        let ordered = outcomes.slots.withLock { $0 }
        for index in rules.indices {
            guard let outcome = ordered[index] else { continue }
            if outcome.failed { result.failures += 1 }
            result.samplesWritten += outcome.samplesWritten
            if let sent = outcome.alertsToSend { result.alertsToSend.append(sent) }
            if let refreshed = outcome.alertsToRefresh { result.alertsToRefresh.append(refreshed) }
        }
        result.durationSeconds = seconds(clock.now - groupStart)
        state.withLock {
            $0.lastEvaluation = timestamp
            $0.lastDurationSeconds = result.durationSeconds
        }
        return result
    }

    /// What the rules of one evaluation contributed, by rule index, filled by the threads evaluating them.
    private final class RuleOutcomes: Sendable {
        let slots = Mutex<[Int: RuleOutcome]>([:])
    }

    /// What evaluating one rule contributed to the group's result.
    private struct RuleOutcome: Sendable {
        var failed = false
        var samplesWritten = 0
        var alertsToSend: (expression: String, alerts: [Alert])?
        var alertsToRefresh: (expression: String, alerts: [Alert])?
    }

    /// Evaluates the rule at `index`, writes its samples to `sink` and sets its status.
    private func evaluate(
        ruleAt index: Int, at timestamp: Timestamp, evaluator: Evaluator, sink: any RuleSampleSink,
        settings: RuleEvaluationSettings, resendDelay: PrometheusDuration
    ) -> RuleOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let rule = rules[index]
        var outcome = RuleOutcome()
        var status = RuleStatus()
        status.lastEvaluation = timestamp
        do {
            let samples = try rule.evaluate(at: timestamp, evaluator: evaluator, settings: settings)
            status.health = .ok
            if case .alerting(let alerting) = rule {
                let alerts = alerting.alertsToSend(at: timestamp, resendDelay: resendDelay, interval: interval)
                if !alerts.isEmpty { outcome.alertsToSend = (alerting.expression.description, alerts) }
                let firing = alerting.firingAlertsNotSent(at: timestamp)
                if !firing.isEmpty { outcome.alertsToRefresh = (alerting.expression.description, firing) }
            }
            write(samples, ruleIndex: index, at: timestamp, sink: sink)
            outcome.samplesWritten = samples.count
        } catch {
            status.health = .err
            status.lastError = "\(error)"
            outcome.failed = true
        }
        status.evaluationSeconds = seconds(clock.now - start)
        rule.setStatus(status)
        return outcome
    }

    private func write(_ samples: Vector, ruleIndex: Int, at timestamp: Timestamp, sink: any RuleSampleSink) {
        sink.append(samples.lazy.map { ($0.labels, $0.value) }, timestamp: timestamp.milliseconds)
        let written = WrittenSeries(samples.map(\.labels))
        let previous = state.withLock { state in
            defer { state.previousSeries[ruleIndex] = written }
            return state.previousSeries[ruleIndex]
        }
        let vanished = previous.missing(from: written)
        if !vanished.isEmpty {
            sink.append(vanished.lazy.map { ($0, staleMarker) }, timestamp: timestamp.milliseconds)
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
