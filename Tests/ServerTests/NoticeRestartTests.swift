import Foundation
import JSON
import Testing
import TestSupport

/// A notice notified firing before a restart has its resolution notified after it: notices are kept in storage until
/// the router forgets them, and the notification log says what was sent.
struct NoticeRestartTests {
    static let config = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 10s
          group_interval: 1m
          repeat_interval: 4h
        receivers:
          - name: ops
            webhook_configs: [{url: 'http://127.0.0.1:9/hook'}]
        notices: {events: [agent_killed]}
        """

    /// The webhook payloads `api`'s transport carried: each one's status and its alerts' `notice` labels.
    static func payloads(_ api: APIFixture) -> [(status: String, notices: [String])] {
        api.transport.requests.compactMap { request in
            guard let payload = try? JSONParser.parse(request.body).objectValue else { return nil }
            let alerts = payload["alerts"]?.arrayValue ?? []
            return (
                payload["status"]?.stringValue ?? "",
                alerts.compactMap { $0.objectValue?["labels"]?.objectValue?["notice"]?.stringValue }
            )
        }
    }

    /// Lets `seconds` pass, routing alerts and applying deliveries' outcomes every second.
    static func pass(_ seconds: Int, _ api: APIFixture) async {
        for _ in 0..<seconds {
            api.clock.advance(by: 1)
            api.exporter.routeAlerts()
            await api.exporter.deliveriesSettled()
        }
        api.exporter.routeAlerts()
    }

    @Test func aNoticeNotifiedFiringBeforeARestartIsNotifiedResolvedAfterIt() async throws {
        let api = try APIFixture(config: Self.config)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "w1"}"#).status == 202)
        #expect(api.send("POST", "/api/v1/agents/w1/kill", #"{"by": "alice"}"#).status == 200)
        await Self.pass(15, api)
        #expect(Self.payloads(api).map(\.status) == ["firing"])
        #expect(Self.payloads(api).first?.notices == ["agent_killed"])

        let restarted = try APIFixture(config: Self.config, clock: api.clock, storage: api.storage)
        await Self.pass(15, restarted)
        let sent = Self.payloads(restarted)
        #expect(sent.map(\.status) == ["resolved"], "\(sent)")
        #expect(sent.first?.notices == ["agent_killed"])

        await Self.pass(120, restarted)
        #expect(Self.payloads(restarted).count == 1, "the resolution is sent once")
        let third = try APIFixture(config: Self.config, clock: api.clock, storage: api.storage)
        await Self.pass(120, third)
        #expect(Self.payloads(third).isEmpty, "nor again after another restart")
    }

    /// A notice whose resolution was sent before a crash stays out of its group after the restart: the next notice's
    /// notification carries that notice alone, not every earlier one again.
    @Test func noticesResolvedAndNotifiedBeforeARestartDoNotRideAlongAfterIt() async throws {
        let api = try APIFixture(config: Self.config)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "w1"}"#).status == 202)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "w2"}"#).status == 202)
        #expect(api.send("POST", "/api/v1/agents/w1/kill", #"{"by": "alice"}"#).status == 200)
        await Self.pass(90, api)
        #expect(Self.payloads(api).map(\.status) == ["firing", "resolved"], "\(Self.payloads(api))")

        let restarted = try APIFixture(config: Self.config, clock: api.clock, storage: api.storage)
        #expect(restarted.send("POST", "/api/v1/agents/w2/kill", #"{"by": "alice"}"#).status == 200)
        await Self.pass(15, restarted)
        let sent = Self.payloads(restarted)
        #expect(sent.count == 1, "\(sent)")
        #expect(sent.first?.notices == ["agent_killed"], "the kill of w2 alone, not w1's notice again: \(sent)")
    }
}
