import HTTP
import JSON
import Model
import PromQL
import RuleManager

/// `GET`/`POST /api/v1/query` and `/api/v1/query_range`: PromQL over the live fleet and the history the rules
/// keep (``FleetQueryView``), in Prometheus' shapes, parameters and messages, so that `promtool query` and a
/// Grafana Prometheus datasource can read the exporter.
///
/// A query reaching further back than the history keeps a series it reads is refused with a message saying how
/// far back it reads and how far the history goes (``HistoryReach``), rather than answered from too little.
struct QueryAPI: Sendable {
    let engine: RuleEngine
    let clock: any WallClock

    /// Prometheus' limit on the points of one series in a range query.
    static let maximumPoints: Int64 = 11_000
    /// Prometheus' `--query.lookback-delta` default, which the evaluator uses.
    static let lookbackDelta = PrometheusDuration.minutes(5)
    /// Prometheus' `--query.timeout` default, the longest a query may run when it names no `timeout`.
    static let defaultTimeout = PrometheusDuration.minutes(2)

    /// `/api/v1/query`: `query`, `time` (default now), `timeout`.
    func instant(_ request: HTTPRequest) -> HTTPResponse {
        let now = clock.now()
        do {
            let time = try QueryParameters.time("time", in: request, default: now)
            let timeout = try Self.timeout(request)
            let expr = try Self.expression(request)
            let view = engine.queryView(at: Self.liveTime(evaluatedUpTo: time, now: now))
            try HistoryReach.check(expr, from: time, over: view, lookbackDelta: Self.lookbackDelta)
            let value = try evaluator(view, timeout).evaluate(expr, at: time)
            return APIResponse.success { QueryResultJSON.write(value, at: time, into: &$0) }
        } catch {
            return Self.response(for: error)
        }
    }

    /// `/api/v1/query_range`: `query`, `start`, `end`, `step`, `timeout`.
    func range(_ request: HTTPRequest) -> HTTPResponse {
        let now = clock.now()
        do {
            let start = try QueryParameters.requiredTime("start", in: request)
            let end = try QueryParameters.requiredTime("end", in: request)
            guard end >= start else { return APIResponse.error(400, "end timestamp must not be before start time") }
            let step = try QueryParameters.duration("step", request.formValue("step") ?? "")
            guard step.milliseconds > 0 else {
                return APIResponse.error(
                    400, "zero or negative query resolution step widths are not accepted. Try a positive integer")
            }
            guard (end.milliseconds - start.milliseconds) / step.milliseconds <= Self.maximumPoints else {
                return APIResponse.error(
                    400,
                    "exceeded maximum resolution of 11,000 points per timeseries."
                        + " Try decreasing the query resolution (?step=XX)")
            }
            let timeout = try Self.timeout(request)
            let expr = try Self.expression(request)
            let view = engine.queryView(at: Self.liveTime(evaluatedUpTo: end, now: now))
            try HistoryReach.check(expr, from: start, over: view, lookbackDelta: Self.lookbackDelta)
            let matrix = try evaluator(view, timeout).evaluateRange(expr, start: start, end: end, step: step)
            return APIResponse.success { QueryResultJSON.write(.matrix(matrix), at: end, into: &$0) }
        } catch {
            return Self.response(for: error)
        }
    }

    private func evaluator(_ view: FleetQueryView, _ timeout: PrometheusDuration) -> Evaluator {
        Evaluator(
            storage: view, lookbackDelta: Self.lookbackDelta, timeout: .milliseconds(timeout.milliseconds))
    }

    /// When the live samples are stamped: at the end of the evaluation when it lies within a lookback before
    /// now (a client's "now" a few milliseconds behind the exporter's, or Grafana's end aligned to the step), so
    /// that the last evaluation sees the fleet as it is; else now.
    static func liveTime(evaluatedUpTo end: Timestamp, now: Timestamp) -> Timestamp {
        end <= now && end > now - lookbackDelta ? end : now
    }

    static func timeout(_ request: HTTPRequest) throws(QueryParameters.Invalid) -> PrometheusDuration {
        guard let text = request.formValue("timeout"), !text.isEmpty else { return defaultTimeout }
        return min(try QueryParameters.duration("timeout", text), defaultTimeout)
    }

    static func expression(_ request: HTTPRequest) throws(QueryParameters.Invalid) -> Expr {
        do {
            return try Parser.parse(request.formValue("query") ?? "")
        } catch {
            throw QueryParameters.Invalid(parameter: "query", reason: "\(error)")
        }
    }

    /// Prometheus' error replies: `bad_data` (400) for parameters, `execution` (422) for evaluation, `timeout`
    /// (503).
    static func response(for error: any Error) -> HTTPResponse {
        switch error {
        case let invalid as QueryParameters.Invalid: return APIResponse.error(400, invalid.message)
        case let reach as HistoryReach: return APIResponse.error(400, reach.message)
        case let evaluation as EvaluationError where evaluation == .timeout:
            return APIResponse.error(503, type: .timeout, evaluation.message)
        default: return APIResponse.error(422, type: .execution, "\(error)")
        }
    }
}
