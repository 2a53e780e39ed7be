import Foundation
import JSON
import Testing
import TestSupport

/// Resuming a killed agent that obeyed and stopped beating: it gets the full thresholds to beat again before
/// anyone is paged.
@Suite(.serialized)
struct ResumeTests {
    static let rules = """
        groups:
          - name: health
            interval: 1s
            rules:
              - alert: AgentDegraded
                expr: agent_health{state="degraded"} == 1
              - alert: AgentUnreachable
                expr: agent_health{state="unreachable"} == 1
        """

    @Test func resumingASilentKilledAgentNotifiesNothingForAFullThreshold() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let directory = TestPaths.temporaryDirectory("resume-e2e")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try Self.rules.write(toFile: directory + "/rules/health.yml", atomically: true, encoding: .utf8)
        try """
        health: {degraded_after: 15s, unreachable_after: 20s}
        global: {evaluation_interval: 1s}
        \(AlertRoutingTests.webhookRouting([("hook", listener.url)]))
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let clock = ContinuousClock()
        // The claim needs the kill to land before degraded_after (with an evaluation of margin). On a machine so
        // loaded that a request takes longer, a degraded page before the kill is right, so the scenario is
        // run again with another agent, whose pages are told apart by the agent label.
        var agent = ""
        for attempt in 1...3 {
            agent = "obedient-\(attempt)"
            let beatSent = clock.now
            #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat(agent)).status == 202)
            #expect(try await client.post("/api/v1/agents/\(agent)/kill", #"{"reason": "test"}"#).status == 200)
            let killLanded = clock.now - beatSent
            if killLanded < .seconds(14) { break }
            print("ResumeTests: the kill of \(agent) took \(killLanded); running the scenario again")
        }

        try await Task.sleep(for: .seconds(21))  // it stops beating, as told, for longer than unreachable_after
        #expect(Self.payloads(listener, agent: agent).isEmpty, "a killed agent's silence pages nobody")
        let resumeSent = clock.now
        let resumeSentAt = Date()
        let resumed = try await client.post("/api/v1/agents/\(agent)/resume")
        #expect(resumed.status == 200)
        #expect(resumed.data.objectValue?["state"]?.stringValue == "healthy")

        // Two thirds of degraded_after, counted from the resume. On a loaded machine the sleep itself may
        // overrun; what is asserted is that the agent is healthy and nothing was sent while less than
        // degraded_after has passed since the resume was sent.
        try await Task.sleep(for: .seconds(10))
        let nothingSentYet = Self.payloads(listener, agent: agent).isEmpty
        let state = try await client.get("/api/v1/agents/\(agent)").data.objectValue?["state"]?.stringValue
        if clock.now - resumeSent < .seconds(15) {
            #expect(nothingSentYet, "nothing is sent within degraded_after of the resume")
            #expect(state == "healthy")
        }

        try await waitUntil("AgentDegraded arrives once degraded_after has passed since the resume") {
            !Self.payloads(listener, agent: agent, alertname: "AgentDegraded").isEmpty
        }
        // Each alert started no earlier than its threshold counted from the resume (one evaluation interval of
        // tolerance); on a slow machine AgentUnreachable may follow too, but never early.
        for (alertname, threshold) in [("AgentDegraded", 15.0), ("AgentUnreachable", 20.0)] {
            for startsAt in Self.startTimes(listener, agent: agent, alertname: alertname) {
                #expect(
                    startsAt.timeIntervalSince(resumeSentAt) >= threshold - 1,
                    "\(alertname) started \(startsAt.timeIntervalSince(resumeSentAt)) s after the resume")
            }
        }
        #expect(!Self.startTimes(listener, agent: agent, alertname: "AgentDegraded").isEmpty)
    }

    /// The payloads the listener received for `agent`'s groups, of `alertname` when given.
    static func payloads(_ listener: LocalHTTPServer, agent: String, alertname: String? = nil) -> [JSONObject] {
        AlertRoutingTests.payloads(listener, alertname: alertname).filter {
            $0["groupLabels"]?.objectValue?["agent"]?.stringValue == agent
        }
    }

    /// The `startsAt` of every alert named `alertname` the listener received for `agent`.
    static func startTimes(_ listener: LocalHTTPServer, agent: String, alertname: String) -> [Date] {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let whole = ISO8601DateFormatter()  // Go drops ".000"
        return payloads(listener, agent: agent, alertname: alertname).flatMap { payload in
            (payload["alerts"]?.arrayValue ?? []).compactMap { alert in
                alert.objectValue?["startsAt"]?.stringValue.flatMap {
                    fractional.date(from: $0) ?? whole.date(from: $0)
                }
            }
        }
    }
}
