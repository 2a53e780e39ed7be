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

    private struct State {
        /// The series each rule wrote at the previous evaluation, to mark the vanished ones stale.
        var previousSeries: [Set<Labels>]
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
        state = Mutex(State(previousSeries: Array(repeating: [], count: rules.count)))
    }

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
    public func evaluate(
        at timestamp: Timestamp, queryable: any Queryable, sink: any RuleSampleSink,
        settings: RuleEvaluationSettings = RuleEvaluationSettings(),
        resendDelay: PrometheusDuration = .minutes(1)
    ) -> GroupEvaluationResult {
        let clock = ContinuousClock()
        let groupStart = clock.now
        let evaluator = Evaluator(storage: queryable, defaultSubqueryStep: settings.defaultSubqueryStep)
        var settings = settings
        settings.limit = limit
        var result = GroupEvaluationResult(durationSeconds: 0, failures: 0, samplesWritten: 0, alertsToSend: [])
        for (index, rule) in rules.enumerated() {
            let start = clock.now
            var status = RuleStatus()
            status.lastEvaluation = timestamp
            do {
                let samples = try rule.evaluate(at: timestamp, evaluator: evaluator, settings: settings)
                status.health = .ok
                if case .alerting(let alerting) = rule {
                    let alerts = alerting.alertsToSend(at: timestamp, resendDelay: resendDelay, interval: interval)
                    if !alerts.isEmpty { result.alertsToSend.append((alerting.expression.description, alerts)) }
                    let firing = alerting.firingAlertsNotSent(at: timestamp)
                    if !firing.isEmpty { result.alertsToRefresh.append((alerting.expression.description, firing)) }
                }
                write(samples, ruleIndex: index, at: timestamp, sink: sink)
                result.samplesWritten += samples.count
            } catch {
                status.health = .err
                status.lastError = "\(error)"
                result.failures += 1
            }
            status.evaluationSeconds = seconds(clock.now - start)
            rule.setStatus(status)
        }
        result.durationSeconds = seconds(clock.now - groupStart)
        state.withLock {
            $0.lastEvaluation = timestamp
            $0.lastDurationSeconds = result.durationSeconds
        }
        return result
    }

    private func write(_ samples: Vector, ruleIndex: Int, at timestamp: Timestamp, sink: any RuleSampleSink) {
        var returned = Set<Labels>(minimumCapacity: samples.count)
        for sample in samples {
            sink.append(sample.labels, timestamp: timestamp.milliseconds, value: sample.value)
            returned.insert(sample.labels)
        }
        let previous = state.withLock { state in
            defer { state.previousSeries[ruleIndex] = returned }
            return state.previousSeries[ruleIndex]
        }
        for labels in previous.subtracting(returned).sorted() {
            sink.append(labels, timestamp: timestamp.milliseconds, value: staleMarker)
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
