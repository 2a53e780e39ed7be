import HTTP
import JSON
import Model
import PromQL
import RuleManager

/// `/api/v1/series`, `/api/v1/labels` and `/api/v1/label/{name}/values` over the live fleet (and the series the
/// rules' history still holds), in Prometheus' shapes: `match[]` selectors, `start` and `end` (default: all
/// time).
struct SeriesAPI: Sendable {
    let engine: RuleEngine
    let clock: any WallClock

    /// `/api/v1/series`: the label sets of the series any `match[]` selects (at least one is required).
    func series(_ request: HTTPRequest) -> HTTPResponse {
        do {
            let selectors = request.formValues("match[]")
            guard !selectors.isEmpty else { return APIResponse.error(400, "no match[] parameter provided") }
            let found = try matchingSeries(request, selectors)
            return APIResponse.success { writer in
                writer.beginArray()
                for labels in found { QueryResultJSON.writeLabels(labels, into: &writer) }
                writer.endArray()
            }
        } catch {
            return QueryAPI.response(for: error)
        }
    }

    /// `/api/v1/labels`: the label names of the series `match[]` selects (every series when none is given).
    func labels(_ request: HTTPRequest) -> HTTPResponse {
        do {
            let found = try matchingSeries(request, request.formValues("match[]"))
            let names = Set(found.flatMap { $0.labels.map(\.name) })
            return Self.strings(names.sorted())
        } catch {
            return QueryAPI.response(for: error)
        }
    }

    /// `/api/v1/label/{name}/values`: the values `name` takes in the series `match[]` selects (every series when
    /// none is given).
    func values(_ request: HTTPRequest, _ name: String) -> HTTPResponse {
        guard Self.isLabelName(name) else { return APIResponse.error(400, "invalid label name: \"\(name)\"") }
        do {
            let found = try matchingSeries(request, request.formValues("match[]"))
            let values = Set(found.map { $0[name] }.filter { !$0.isEmpty })
            return Self.strings(values.sorted())
        } catch {
            return QueryAPI.response(for: error)
        }
    }

    /// The distinct label sets selected by `selectors` (all series when empty) with samples in `start…end`.
    private func matchingSeries(_ request: HTTPRequest, _ selectors: [String]) throws -> [Labels] {
        let start = try QueryParameters.time("start", in: request, default: Timestamp(milliseconds: Int64.min / 2))
        let end = try QueryParameters.time("end", in: request, default: Timestamp(milliseconds: Int64.max / 2))
        let matcherSets = try selectors.isEmpty ? [[Self.anyName()]] : selectors.map(Self.matchers)
        let view = engine.queryView(at: clock.now())
        var found = Set<Labels>()
        for matchers in matcherSets {
            for series in view.select(matchers, from: start.milliseconds, through: end.milliseconds) {
                found.insert(series.labels)
            }
        }
        return found.sorted()
    }

    /// The matchers of one `match[]` selector, which must be a plain series selector.
    static func matchers(_ selector: String) throws(QueryParameters.Invalid) -> [LabelMatcher] {
        let expr: Expr
        do {
            expr = try Parser.parse(selector)
        } catch {
            throw QueryParameters.Invalid(parameter: "match[]", reason: "\(error)")
        }
        guard case .vectorSelector(let node) = expr, node.offset == .zero, node.at == nil else {
            throw QueryParameters.Invalid(
                parameter: "match[]", reason: "\(selector) is not a series selector such as up{job=\"x\"}")
        }
        return node.matchers
    }

    private static func anyName() throws -> LabelMatcher {
        try LabelMatcher(.regexMatch, metricNameLabel, ".+")
    }

    private static func strings(_ list: [String]) -> HTTPResponse {
        APIResponse.success { writer in
            writer.beginArray()
            for item in list { writer.string(item) }
            writer.endArray()
        }
    }

    /// Whether `name` is a Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}
