import Alerting
import Model
import TestSupport
import Testing

@testable import AlertPipeline

/// Acknowledging firing alerts, stepped with the manual clock over the router fixture of ``AlertRouterTests``
/// (group_by alertname, group_wait 30s, group_interval 5m, repeat_interval 4h, send_resolved).
struct AcknowledgementTests {
    let fixture = AlertRouterTests()
    var clock: ManualClock { fixture.clock }

    func alert(_ agent: String, since start: Timestamp, resolved: Bool = false) -> Alerting.Alert {
        var alert = AlertRouterTests.alert(agent, resolvedAt: resolved ? clock.now() : nil, at: clock.now())
        alert.startsAt = start
        return alert
    }

    /// `agent=status` of each alert of each webhook notification so far.
    func notified() -> [[String]] {
        fixture.payloads().map { payload in
            (payload["alerts"]?.arrayValue ?? []).map { alert in
                let object = alert.objectValue
                return (object?["labels"]?.objectValue?["agent"]?.stringValue ?? "") + "="
                    + (object?["status"]?.stringValue ?? "")
            }
        }
    }

    /// Lets `seconds` pass a minute at a time; the rule engine resends `firing` (since `start`) each minute.
    func pass(_ seconds: Int, _ router: AlertRouter, firing: [String] = [], since start: Timestamp) async throws {
        var left = seconds
        while left > 0 {
            let step = min(left, 60)
            clock.advance(by: Double(step))
            left -= step
            if !firing.isEmpty { router.receive(firing.map { alert($0, since: start) }) }
            try await fixture.tickAndDeliver(router)
        }
    }

    static func agentIs(_ agent: String) throws -> [LabelMatcher] {
        [try LabelMatcher.alertmanager(.equal, "agent", agent)]
    }

    @Test func anAcknowledgedAlertIsNotRepeatedAndTheAcknowledgementEndsWhenItResolves() async throws {
        let router = try fixture.router()
        let start = clock.now()
        router.receive([alert("a", since: start)])
        try await pass(60, router, firing: ["a"], since: start)
        #expect(notified() == [["a=firing"]])
        let acknowledgement = try router.acknowledge(
            matchers: Self.agentIs("a"), createdBy: "alice", comment: "on it", endsAt: nil)
        #expect(acknowledgement.alerts.count == 1)
        let listed = router.alerts(AlertQuery()).first?.status
        #expect(listed?.acknowledgedBy?.createdBy == "alice")
        #expect(listed?.state == .active, "acknowledged is not suppressed: it stays listed as firing")
        try await pass(8 * 3600, router, firing: ["a"], since: start)
        #expect(notified() == [["a=firing"]], "no repeat after repeat_interval while acknowledged")

        router.receive([alert("a", since: start, resolved: true)])
        try await pass(600, router, since: start)
        #expect(notified() == [["a=firing"], ["a=resolved"]], "its resolution is still sent")
        #expect(router.acknowledgements.isEmpty, "the acknowledgement ended with the alert")
        #expect(try fixture.storage.loadAcknowledgements().isEmpty)

        let again = clock.now()
        router.receive([alert("a", since: again)])
        try await pass(60, router, firing: ["a"], since: again)
        #expect(notified().count == 3 && notified().last == ["a=firing"], "the next firing notifies again")
        try await pass(4 * 3600 + 300, router, firing: ["a"], since: again)
        #expect(notified().count == 4, "and is repeated again, no longer acknowledged")
    }

    @Test func aGroupIsRepeatedWhileOneOfItsFiringAlertsIsNotAcknowledged() async throws {
        let router = try fixture.router()
        let start = clock.now()
        router.receive([alert("a", since: start), alert("b", since: start)])
        try await pass(60, router, firing: ["a", "b"], since: start)
        _ = try router.acknowledge(matchers: Self.agentIs("a"), createdBy: "alice", comment: "", endsAt: nil)
        try await pass(4 * 3600 + 300, router, firing: ["a", "b"], since: start)
        #expect(notified().count == 2, "b is not acknowledged: the group repeats, a with it")
    }

    @Test func anAcknowledgementEndsAtItsEndsAt() async throws {
        let router = try fixture.router()
        let start = clock.now()
        router.receive([alert("a", since: start)])
        try await pass(60, router, firing: ["a"], since: start)
        _ = try router.acknowledge(
            matchers: Self.agentIs("a"), createdBy: "alice", comment: "", endsAt: clock.now() + .hours(5) + .seconds(30)
        )
        try await pass(5 * 3600, router, firing: ["a"], since: start)
        #expect(notified().count == 1)
        try await pass(300, router, firing: ["a"], since: start)
        #expect(router.acknowledgements.isEmpty)
        #expect(notified().count == 2, "repeated once the acknowledgement ended")
    }

    /// An operator's trial: every restart deleted the acknowledgements, the router's first tick finding none of
    /// their alerts (the rule engine had not sent them again yet). They outlive that, and the repeat stays quiet.
    @Test func anAcknowledgementOutlivesTheFirstTicksAfterARestart() async throws {
        let router = try fixture.router()
        let start = clock.now()
        router.receive([alert("a", since: start)])
        try await pass(60, router, firing: ["a"], since: start)
        #expect(notified().count == 1)
        let made = try router.acknowledge(matchers: Self.agentIs("a"), createdBy: "alice", comment: "x", endsAt: nil)

        let restarted = try fixture.router()
        try await fixture.tickAndDeliver(restarted)  // nothing received yet
        clock.advance(by: 15)
        try await fixture.tickAndDeliver(restarted)
        #expect(restarted.acknowledgements == [made])
        #expect(try fixture.storage.loadAcknowledgements() == [made])
        try await pass(4 * 3600 + 600, restarted, firing: ["a"], since: start)
        #expect(restarted.acknowledgements == [made], "its alert still fires")
        #expect(notified().count == 1, "and is not repeated")

        // Once the grace after the start is over, an alert no longer sent (it ran out) ends the acknowledgement.
        try await pass(600, restarted, since: start)
        #expect(restarted.acknowledgements.isEmpty)
    }

    @Test func nothingFiringIsRefusedAndAnAcknowledgementSurvivesARestart() async throws {
        let router = try fixture.router()
        #expect(throws: AcknowledgementWriteError.self) {
            try router.acknowledge(matchers: Self.agentIs("nobody"), createdBy: "alice", comment: "", endsAt: nil)
        }
        let start = clock.now()
        router.receive([alert("a", since: start)])
        let made = try router.acknowledge(matchers: Self.agentIs("a"), createdBy: "alice", comment: "x", endsAt: nil)
        let restarted = try fixture.router()
        #expect(restarted.acknowledgements == [made])
        #expect(throws: AcknowledgementWriteError.self) { try restarted.removeAcknowledgement(id: "nope") }
        try restarted.removeAcknowledgement(id: made.id)
        #expect(try fixture.storage.loadAcknowledgements().isEmpty)
    }
}
