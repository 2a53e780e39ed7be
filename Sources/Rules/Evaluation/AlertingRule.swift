import Model
import PromQL
import Synchronization

/// How long Prometheus keeps a resolved alert (and re-sends its resolution): 15 minutes.
public let resolvedRetention = PrometheusDuration.minutes(15)

/// An alerting rule with Prometheus' state machine: inactive → pending (`for`) → firing, `keep_firing_for`,
/// resolved alerts kept for ``resolvedRetention``.
public final class AlertingRule: Sendable {
    /// The `alert:` name.
    public let name: String
    /// The parsed expression.
    public let expression: Expr
    /// `for:`.
    public let holdDuration: PrometheusDuration
    /// `keep_firing_for:`.
    public let keepFiringFor: PrometheusDuration
    /// The `labels:` templates as written, sorted by name (an empty value removes the label).
    public let labels: [Label]
    /// The `annotations:` templates as written, sorted by name.
    public let annotations: [Label]
    private let labelTemplates: [(name: String, template: Template)]
    private let annotationTemplates: [(name: String, template: Template)]

    struct State {
        var active: [Labels: Alert] = [:]
        var status = RuleStatus()
        /// False between ``RuleGroup/markForRestoration()`` and ``RuleGroup/restoreForState(at:queryable:outageTolerance:forGracePeriod:)``:
        /// the rule then writes no `ALERTS`/`ALERTS_FOR_STATE`, as Prometheus' unrestored rules.
        var restored = true
    }

    let state = Mutex(State())  // protects the active alerts and the last evaluation's status

    /// Creates a rule; templates are parsed here.
    /// - Throws: ``TemplateError`` when a label or annotation template does not parse.
    public init(
        name: String, expression: Expr, holdDuration: PrometheusDuration = .zero,
        keepFiringFor: PrometheusDuration = .zero,
        labels: [Label] = [], annotations: [Label] = []
    ) throws(TemplateError) {
        self.name = name
        self.expression = expression
        self.holdDuration = holdDuration
        self.keepFiringFor = keepFiringFor
        self.labels = labels.sorted()
        self.annotations = annotations.sorted()
        var labelTemplates: [(name: String, template: Template)] = []
        for label in self.labels {
            labelTemplates.append((label.name, try Template(parsing: label.value, name: "__alert_" + name)))
        }
        var annotationTemplates: [(name: String, template: Template)] = []
        for annotation in self.annotations {
            annotationTemplates.append(
                (annotation.name, try Template(parsing: annotation.value, name: "__alert_" + name)))
        }
        self.labelTemplates = labelTemplates
        self.annotationTemplates = annotationTemplates
    }

    /// The status of the last evaluation.
    public var status: RuleStatus { state.withLock { $0.status } }

    func setStatus(_ status: RuleStatus) { state.withLock { $0.status = status } }

    /// The alerts the rule holds (pending, firing, and resolved ones still retained), sorted by labels.
    public var activeAlerts: [Alert] {
        state.withLock { Array($0.active.values) }.sorted { $0.labels < $1.labels }
    }

    /// The rule's state for `/api/v1/rules`: firing if any alert fires, else pending if any is pending.
    public var ruleState: AlertState {
        let states = Set(state.withLock { $0.active.values.map(\.state) })
        return states.contains(.firing) ? .firing : states.contains(.pending) ? .pending : .inactive
    }

    /// Replaces the held alerts, e.g. with the ones persisted before a restart (as Prometheus restores
    /// the `for` state from `ALERTS_FOR_STATE`). Alerts whose labels lack this rule's `alertname` are ignored.
    public func restore(_ alerts: [Alert]) {
        let own = alerts.filter { $0.labels["alertname"] == name }
        state.withLock { state in
            state.active = Dictionary(own.map { ($0.labels, $0) }, uniquingKeysWith: { _, last in last })
        }
    }

    /// Evaluates at `time` and advances the alerts; returns the `ALERTS` and `ALERTS_FOR_STATE` samples.
    /// - Throws: the query's error; ``RuleEvaluationError`` on duplicate alerts or an exceeded limit.
    func evaluate(at time: Timestamp, evaluator: Evaluator, settings: RuleEvaluationSettings) throws -> Vector {
        let results = try queryVector(expression, evaluator: evaluator, at: time)
        var fresh: [Labels: Alert] = [:]
        for sample in results {
            let alert = makeAlert(sample, at: time, settings: settings)
            guard fresh[alert.labels] == nil else {
                throw RuleEvaluationError("vector contains metrics with the same labelset after applying alert labels")
            }
            fresh[alert.labels] = alert
        }
        return try state.withLock { state throws in
            let samples = try advance(&state.active, fresh: fresh, at: time, limit: settings.limit)
            return state.restored ? samples : []
        }
    }

    private func makeAlert(_ sample: Sample, at time: Timestamp, settings: RuleEvaluationSettings) -> Alert {
        let data = TemplateData(
            labels: Dictionary(sample.labels.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }),
            externalLabels: settings.externalLabels, externalURL: settings.externalURL, value: sample.value)
        var labels = sample.labels.droppingMetricName()
        for (name, template) in labelTemplates { labels = labels.setting(name, to: expand(template, data)) }
        labels = labels.setting("alertname", to: name)
        var annotations = Labels.empty
        for (name, template) in annotationTemplates {
            annotations = annotations.setting(name, to: expand(template, data))
        }
        return Alert(labels: labels, annotations: annotations, state: .pending, activeAt: time, value: sample.value)
    }

    /// Expands a template; a failure becomes the text Prometheus puts in its place.
    private func expand(_ template: Template, _ data: TemplateData) -> String {
        do {
            return try template.expand(data)
        } catch {
            return "<error expanding template: error executing template \(template.name): \(error)>"
        }
    }
}
