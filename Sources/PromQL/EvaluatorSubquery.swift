import Model

/// What one query may spend, shared by every evaluation context of the query, so that no input (nested
/// subqueries of a fine step, say) runs for hours or fills the memory: an error is thrown instead.
final class EvaluationBudget {
    /// The evaluation steps of a range query and of all its subqueries together (nested ones multiply).
    static let maximumSteps: Int64 = 5_000_000
    /// The points one series collector (a subquery's or a range query's result) may hold: Prometheus'
    /// default `--query.max-samples`.
    static let maximumPoints = 50_000_000

    private var stepsSpent: Int64 = 0
    private let deadline: ContinuousClock.Instant

    /// A budget for a query that must end within `timeout` of now.
    init(timeout: Duration) {
        deadline = ContinuousClock.now.advanced(by: timeout)
    }

    /// Checked at every step of a subquery or range query.
    /// - Throws: ``EvaluationError`` (Prometheus' wording) once the query's time is up.
    func checkDeadline() throws {
        guard ContinuousClock.now < deadline else {
            throw EvaluationError.timeout
        }
    }

    /// Counts `count` more steps.
    /// - Throws: ``EvaluationError`` when the query would evaluate more than ``maximumSteps`` steps.
    func spendSteps(_ count: Int64, for what: @autoclosure () -> String) throws {
        stepsSpent += count
        guard stepsSpent <= Self.maximumSteps else {
            throw EvaluationError(
                "\(what()) would take the query past \(Self.maximumSteps) evaluation steps (subqueries and range "
                    + "query steps together); use a coarser step or a shorter range")
        }
    }
}

extension EvaluationContext {
    /// Evaluates a subquery: its expression at every multiple of its step inside
    /// `[t - offset - range, t - offset]` (`t`: its `@` time or the evaluation time), as Prometheus 2.42 does.
    /// - Returns: the series (sorted by labels) and the window they cover.
    func evalSubquery(_ node: SubqueryExpr) throws -> (series: Matrix, window: RangeWindow) {
        let reference = referenceTime(at: node.at, offset: node.offset)
        let step = node.step?.milliseconds ?? defaultSubqueryStep
        let window = RangeWindow(start: reference &- node.rangeDuration.milliseconds, end: reference)
        // The first multiple of the step at or after the window's start (Go's division truncates, as Swift's).
        var first = step * (window.start / step)
        if first < window.start { first = first &+ step }
        guard first <= reference, window.start <= reference else { return ([], window) }
        let steps = (reference &- first) / step + 1
        if steps <= 0 { return ([], window) }
        try budget.spendSteps(steps, for: "subquery [\(node.rangeDuration):\(PrometheusDuration.milliseconds(step))]")
        var collector = SeriesCollector()
        var inner = self
        for index in 0..<steps {
            try budget.checkDeadline()
            inner.time = first + index * step
            for sample in try inner.evalVector(node.expr) {
                try collector.append(sample.labels, time: inner.time, value: sample.value)
            }
        }
        return (collector.matrix, window)
    }
}

/// Gathers the points of several evaluation steps into series.
struct SeriesCollector {
    private var positions: [Labels: Int] = [:]
    private var labels: [Labels] = []
    private var timestamps: [[Int64]] = []
    private var values: [[Double]] = []
    private var points = 0

    /// Adds one point to the series `labels`; points come in time order.
    /// - Throws: ``EvaluationError`` (Prometheus' wording) past ``EvaluationBudget/maximumPoints`` points.
    mutating func append(_ labels: Labels, time: Int64, value: Double) throws {
        points += 1
        guard points <= EvaluationBudget.maximumPoints else {
            throw EvaluationError("query processing would load too many samples into memory in query execution")
        }
        let position: Int
        if let known = positions[labels] {
            position = known
        } else {
            position = self.labels.count
            positions[labels] = position
            self.labels.append(labels)
            timestamps.append([])
            values.append([])
        }
        timestamps[position].append(time)
        values[position].append(value)
    }

    /// The series gathered, sorted by labels as Prometheus sorts a matrix.
    var matrix: Matrix {
        labels.indices.sorted { labels[$0] < labels[$1] }.map {
            SeriesSamples(labels: labels[$0], timestamps: timestamps[$0][...], values: values[$0][...])
        }
    }
}
