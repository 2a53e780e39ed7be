import Foundation
import HTTP
import JSON
import Model
@testable import Server
import TestSupport
import Testing

/// `/api/v1/query`, `/api/v1/query_range`, `/api/v1/series`, `/api/v1/labels` and `/api/v1/label/{name}/values`
/// in Prometheus' shapes, over the live fleet and the rules' history, driven with a manual clock.
struct QueryAPITests {
    static let rules = """
        groups:
          - name: cost
            rules:
              - record: agent:cost:rate2m
                expr: rate(agent_cost_usd_total[2m])
        """

    /// An exporter whose rules read `agent_cost_usd_total` two minutes back, every 10 s.
    static func fixture() throws -> APIFixture {
        let directory = TestPaths.temporaryDirectory("query-rules")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try rules.write(toFile: directory + "/rules.yml", atomically: true, encoding: .utf8)
        return try APIFixture(
            config: """
                global: {evaluation_interval: 10s}
                rule_files: ['\(directory)/rules.yml']
                """)
    }

    func beat(_ api: APIFixture, _ agent: String, type: String, cost: Double) {
        let body = #"{"agent": "\#(agent)", "agent_type": "\#(type)", "metrics": {"cost_usd": \#(cost)}}"#
        #expect(api.send("POST", "/api/v1/heartbeat", body).status == 202)
    }

    /// A form-encoded POST, as promtool and Grafana send.
    func post(_ api: APIFixture, _ path: String, _ form: [(String, String)]) -> HTTPResponse {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        return api.send(
            "POST", path, body.joined(separator: "&"),
            headers: [("Content-Type", "application/x-www-form-urlencoded")])
    }

    @Test func anInstantQueryAnswersAVectorOfTheLiveFleetInPrometheusShape() throws {
        let api = try APIFixture()
        beat(api, "a", type: "worker", cost: 1)
        beat(api, "b", type: "worker", cost: 1)
        let time = Double(api.clock.now().milliseconds) / 1000
        let reply = post(api, "/api/v1/query", [("query", "count by (agent_type) (agent_up)"), ("time", "\(time)")])
        #expect(reply.status == 200)
        #expect(
            reply.text == #"{"status":"success","data":{"resultType":"vector","result":"#
                + #"[{"metric":{"agent_type":"worker"},"value":[\#(api.clock.now().decimalSeconds),"2"]}]}}"# + "\n")
    }

    @Test(arguments: [
        ("1+1", "scalar", #"[TIME,"2"]"#),
        (#""text""#, "string", #"[TIME,"text"]"#),
        ("vector(1e-7)", "vector", #"[{"metric":{},"value":[TIME,"1e-07"]}]"#),
        ("vector(1/0)", "vector", #"[{"metric":{},"value":[TIME,"+Inf"]}]"#),
        ("vector(1234567.5)", "vector", #"[{"metric":{},"value":[TIME,"1234567.5"]}]"#),
    ])
    func resultTypesAndValuesAreWrittenAsPrometheusWritesThem(query: String, type: String, result: String) throws {
        let api = try APIFixture()
        let reply = post(api, "/api/v1/query", [("query", query)])
        let time = api.clock.now().decimalSeconds
        #expect(
            reply.text == #"{"status":"success","data":{"resultType":"\#(type)","result":"#
                + result.replacingOccurrences(of: "TIME", with: time) + "}}\n")
    }

    @Test func aRangeQueryReadsTheHistoryTheRulesKeep() throws {
        let api = try Self.fixture()
        let start = api.clock.now()
        for _ in 0..<7 {
            beat(api, "a", type: "worker", cost: 0.5)
            api.exporter.evaluateRules()
            api.clock.advance(by: 10)
        }
        let reply = post(
            api, "/api/v1/query_range",
            [
                ("query", "agent_cost_usd_total"), ("start", start.rfc3339),
                ("end", (start + .seconds(60)).rfc3339), ("step", "20s"),
            ])
        #expect(reply.status == 200, "\(reply.text)")
        let series = reply.data["result"]?.arrayValue ?? []
        #expect(reply.data["resultType"]?.stringValue == "matrix")
        let values = series.first?["values"]?.arrayValue?.compactMap { $0.arrayValue?[1].stringValue }
        #expect(values == ["0.5", "1.5", "2.5", "3.5"])
    }

    @Test func aRangeReachingPastTheHistoryIsRefusedSayingHowFarEachGoes() throws {
        let api = try Self.fixture()
        beat(api, "a", type: "worker", cost: 1)
        api.exporter.evaluateRules()
        let now = api.clock.now()
        let tooLong = post(api, "/api/v1/query", [("query", "rate(agent_cost_usd_total[1h])")])
        #expect(tooLong.status == 400)
        #expect(tooLong.json["errorType"]?.stringValue == "bad_data")
        let hourAgo: String = (now - PrometheusDuration.hours(1)).rfc3339
        let kept: String = (now - PrometheusDuration.seconds(130)).rfc3339
        let expected: String =
            "the query reads agent_cost_usd_total back to \(hourAgo), but the exporter keeps agent_cost_usd_total"
            + " back to \(kept) only (2m10s: as far back as the loaded rules read it); query a shorter range or a later"
            + " time, or load a rule that reads it as far back"
        #expect(tooLong.json["error"]?.stringValue == expected)
        let unkept = post(api, "/api/v1/query", [("query", "rate(agent_tokens_total[1m])")])
        #expect(unkept.status == 400)
        #expect(unkept.json["error"]?.stringValue?.contains("has only the live value of agent_tokens_total") == true)
        #expect(post(api, "/api/v1/query", [("query", "rate(agent_cost_usd_total[2m])")]).status == 200)
    }

    @Test(arguments: [
        (
            [("query", "up"), ("time", "yesterday")],
            #"invalid parameter "time": Invalid time value for 'time': cannot parse "yesterday" to a valid timestamp"#
        ),
        ([("query", "sum(")], #"invalid parameter "query": 1:5: parse error: unclosed left parenthesis"#),
        (
            [("query", "up"), ("timeout", "soon")],
            #"invalid parameter "timeout": cannot parse "soon" to a valid duration"#
        ),
    ])
    func badInstantParametersGetPrometheusMessages(form: [(String, String)], message: String) throws {
        let api = try APIFixture()
        let reply = post(api, "/api/v1/query", form)
        #expect(reply.status == 400)
        #expect(reply.json["errorType"]?.stringValue == "bad_data")
        #expect(reply.json["error"]?.stringValue == message)
    }

    @Test(arguments: [
        ([("start", "1"), ("end", "2")], #"invalid parameter "step": cannot parse "" to a valid duration"#),
        (
            [("start", "x"), ("end", "2"), ("step", "1")],
            #"invalid parameter "start": cannot parse "x" to a valid timestamp"#
        ),
        ([("start", "3"), ("end", "2"), ("step", "1")], "end timestamp must not be before start time"),
        (
            [("start", "1"), ("end", "2"), ("step", "0")],
            "zero or negative query resolution step widths are not accepted. Try a positive integer"
        ),
        (
            [("start", "0"), ("end", "11001"), ("step", "1")],
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"
        ),
    ])
    func badRangeParametersGetPrometheusMessages(form: [(String, String)], message: String) throws {
        let api = try APIFixture()
        let reply = post(api, "/api/v1/query_range", [("query", "vector(1)")] + form)
        #expect(reply.status == 400)
        #expect(reply.json["error"]?.stringValue == message)
    }

    @Test func elevenThousandPointsAreAllowed() throws {
        let api = try APIFixture()
        let reply = post(
            api, "/api/v1/query_range", [("query", "vector(1)"), ("start", "0"), ("end", "11000"), ("step", "1")])
        #expect(reply.status == 200)
        #expect(reply.data["result"]?.arrayValue?.first?["values"]?.arrayValue?.count == 11_001)
    }

    @Test func anEvaluationErrorIsAnExecutionError() throws {
        let api = try APIFixture()
        let reply = post(
            api, "/api/v1/query_range", [("query", "vector(1)[5m:]"), ("start", "0"), ("end", "1"), ("step", "1")])
        #expect(reply.status == 422)
        #expect(reply.json["errorType"]?.stringValue == "execution")
    }

    @Test func aQueryInTheURLWorksToo() throws {
        let api = try APIFixture()
        let reply = api.send("GET", "/api/v1/query?query=vector(3)")
        #expect(reply.status == 200)
        #expect(reply.data["result"]?.arrayValue?.first?["value"]?.arrayValue?[1].stringValue == "3")
    }

    @Test func formBodiesAreTakenByTheQueryAPIOnly() throws {
        let api = try APIFixture()
        #expect(post(api, "/api/v1/query", [("query", "vector(1)")]).status == 200)
        #expect(post(api, "/api/v1/heartbeat", [("agent", "a")]).status == 415)
    }

    @Test func seriesLabelsAndLabelValuesListTheLiveFleet() throws {
        let api = try APIFixture()
        beat(api, "a", type: "worker", cost: 1)
        beat(api, "b", type: "planner", cost: 1)
        let series = post(api, "/api/v1/series", [("match[]", #"agent_up{agent_type="worker"}"#)])
        #expect(
            series.text == #"{"status":"success","data":[{"__name__":"agent_up","agent":"a","agent_type":"worker"}]}"#
                + "\n")
        let names = post(api, "/api/v1/labels", [("match[]", "agent_up")]).data.arrayValue?.compactMap(\.stringValue)
        #expect(names == ["__name__", "agent", "agent_type"])
        let types = api.send("GET", "/api/v1/label/agent_type/values").data.arrayValue?.compactMap(\.stringValue)
        #expect(types == ["planner", "worker"])
        #expect(api.send("GET", "/api/v1/series").json["error"]?.stringValue == "no match[] parameter provided")
        #expect(api.send("GET", "/api/v1/label/1x/values").json["error"]?.stringValue == #"invalid label name: "1x""#)
    }
}

extension JSONValue {
    fileprivate subscript(key: String) -> JSONValue? { objectValue?[key] }
    fileprivate subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
