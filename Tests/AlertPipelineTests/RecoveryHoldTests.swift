import Alerting
import Exposition
import Fleet
import JSON
import Model
import TestSupport
import Testing

@testable import AlertPipeline

/// Holding an agent's alerts while a recovery ladder works on it: stepped with the manual clock over the router
/// fixture of ``AlertRouterTests`` (group_wait 30s, group_interval 5m, repeat_interval 4h, send_resolved).
struct RecoveryHoldTests {
    let fixture = AlertRouterTests()
    var clock: ManualClock { fixture.clock }
    static let tried = "restart: exit 1 after 0.4 s; replace: 503 twice"
    static let start = ManualClock().now()

    /// The alert about `agent` as the rule engine sends it now: one activity since the start of the test (the rule
    /// engine keeps `startsAt` on each resend), valid for 4 minutes, or resolved now.
    func alert(_ agent: String, resolved: Bool = false, extra: [Label] = []) -> Alerting.Alert {
        var alert = AlertRouterTests.alert(
            agent, resolvedAt: resolved ? clock.now() : nil, at: clock.now(), extra: extra)
        alert.startsAt = Self.start
        return alert
    }

    /// `agent=status` for every alert of every webhook notification so far, in order.
    func notified() -> [[String]] {
        fixture.payloads().map { payload in
            (payload["alerts"]?.arrayValue ?? []).map { alert in
                let object = alert.objectValue
                return (object?["labels"]?.objectValue?["agent"]?.stringValue ?? "") + "="
                    + (object?["status"]?.stringValue ?? "")
            }
        }
    }

    /// Lets `seconds` pass in steps of at most a minute; at each step the rule engine resends `firing` and the
    /// notification thread ticks.
    func pass(_ seconds: Int, _ router: AlertRouter, firing: [String] = []) async throws {
        var left = seconds
        while left > 0 {
            let step = min(left, 60)
            clock.advance(by: Double(step))
            left -= step
            if !firing.isEmpty { router.receive(firing.map { alert($0) }) }
            try await fixture.tickAndDeliver(router)
        }
    }

    func forwarded() -> Int { fixture.transport.requests.filter { $0.url.path == "/api/v2/alerts" }.count }

    @Test func aHeldAlertIsSuppressedAsRecoveryAndNothingAboutItIsSent() async throws {
        let router = try fixture.router()
        router.hold(agent: "a")
        router.receive([alert("a"), alert("a", extra: [Label("forward", "yes")]), alert("b")])
        let listed = router.alerts(AlertQuery())
        let byAgent = Dictionary(grouping: listed) { $0.alert.labels["agent"] }
        #expect(byAgent["a"]?.map(\.status.silencedBy) == [["recovery:a"], ["recovery:a"]])
        #expect(byAgent["a"]?.map(\.status.state) == [.suppressed, .suppressed])
        #expect(byAgent["b"]?.map(\.status.state) == [.active])
        #expect(forwarded() == 0, "not forwarded to an Alertmanager either")
        try await pass(4 * 3600 + 400, router, firing: ["a", "b"])
        #expect(notified() == [["b=firing"], ["b=firing"]], "b at once and after repeat_interval; a never")
        #expect(forwarded() == 0, "nor on the rule engine's resends")
        #expect(router.heldAgents == ["a"])
        let firing = FiringAlertMetrics(router: router)
        var writer = ExpositionWriter(format: .prometheusText)
        firing.write(into: &writer)
        let text = String(decoding: writer.finish(), as: UTF8.self)
        #expect(
            text.contains(#"heartbeat_exporter_firing_alerts{alertname="AgentDown",agent="a",state="suppressed"} 1"#))
    }

    @Test func releasedAlertsGoOutAtOnceWithWhatWasTriedAndOnlyOnce() async throws {
        let router = try fixture.router()
        router.receive([alert("b")])
        clock.advance(by: 30)
        try await fixture.tickAndDeliver(router)
        #expect(notified() == [["b=firing"]])
        router.hold(agent: "a")
        clock.advance(by: 10)
        router.receive([alert("a")])  // joins b's group, which flushes next in 5 minutes
        clock.advance(by: 20)
        try await fixture.tickAndDeliver(router)
        #expect(notified().count == 1)

        router.release(agent: "a", annotation: Self.tried)
        await router.deliveriesSettled()
        #expect(notified() == [["b=firing"], ["a=firing", "b=firing"]], "sent at once, not after group_interval")
        let sent = fixture.payloads().last?["alerts"]?.arrayValue?.first { $0["labels"]?["agent"]?.stringValue == "a" }
        #expect(sent?["annotations"]?["recovery"]?.stringValue == Self.tried)
        #expect(sent?["annotations"]?["summary"]?.stringValue == "a is down")
        #expect(router.heldAgents.isEmpty)

        router.release(agent: "a", annotation: "again")  // not held any more: nothing happens
        clock.advance(by: 60)
        router.receive([alert("a")])  // the rule engine's resend, without the annotation
        let kept = router.alerts(AlertQuery()).first { $0.alert.labels["agent"] == "a" }
        #expect(kept?.alert.annotations["recovery"] == Self.tried, "kept on the same alert's resends")
        try await pass(3 * 300, router, firing: ["a", "b"])
        #expect(notified().count == 2, "once")
    }

    @Test func aReleasedAlertIsForwardedToItsAlertmanagerAtOnce() async throws {
        let router = try fixture.router()
        router.hold(agent: "f")
        router.receive([alert("f", extra: [Label("forward", "yes")])])
        await router.deliveriesSettled()
        #expect(forwarded() == 0)
        router.release(agent: "f", annotation: Self.tried)
        await router.deliveriesSettled()
        let body = fixture.transport.requests.last { $0.url.path == "/api/v2/alerts" }?.body ?? []
        let alert = try JSONParser.parse(body).arrayValue?.first
        #expect(alert?["annotations"]?["recovery"]?.stringValue == Self.tried)
    }

    @Test func aDroppedHoldWhoseAlertResolvesNeverSendsAnything() async throws {
        let router = try fixture.router()
        router.receive([alert("b")])
        try await pass(30, router, firing: ["b"])
        #expect(notified() == [["b=firing"]])
        router.hold(agent: "a")
        router.receive([alert("a")])  // joins b's group
        try await pass(300, router, firing: ["a", "b"])  // b's group flushes; a is held
        router.dropHold(agent: "a")  // the agent beat again
        clock.advance(by: 15)
        router.receive([alert("a", resolved: true), alert("b")])  // the next evaluation resolves it
        try await pass(3 * 300, router, firing: ["b"])
        try await pass(4 * 3600, router, firing: ["b"])
        #expect(notified() == [["b=firing"], ["b=firing"]], "b alone, at first and after repeat_interval")
    }

    @Test func aDroppedHoldWhoseAlertStillFiresIsSentAtTheNextFlushThenItsResolution() async throws {
        let router = try fixture.router()
        router.hold(agent: "a")
        router.receive([alert("a")])
        clock.advance(by: 30)
        try await fixture.tickAndDeliver(router)  // the group flushes, all held: next flush in 5 minutes
        try await pass(10, router, firing: ["a"])
        router.dropHold(agent: "a")
        try await pass(289, router, firing: ["a"])
        #expect(notified().isEmpty)
        try await pass(1, router, firing: ["a"])
        #expect(notified() == [["a=firing"]])
        router.receive([alert("a", resolved: true)])
        try await pass(300, router)
        #expect(notified() == [["a=firing"], ["a=resolved"]], "notified as firing, so its resolution is sent")
    }

    /// The agent beat and the ladder dropped the hold, but the rules have not evaluated since: a flush in between
    /// must not send the alert the beat made obsolete; the next evaluation resolves it and nothing is ever sent.
    @Test func aFlushBetweenTheRecoveryAndTheRulesNextEvaluationSendsNothing() async throws {
        let router = try fixture.router()
        router.hold(agent: "a")
        router.receive([alert("a")])
        clock.advance(by: 30)
        try await fixture.tickAndDeliver(router)  // the group flushes, all held: next flush in 5 minutes
        try await pass(298, router, firing: ["a"])
        clock.advance(by: 1)
        router.dropHold(agent: "a")  // the agent beat again, one second before the group's next flush
        try await pass(14, router)  // the flush comes before the rules evaluate again
        #expect(router.alerts(AlertQuery()).first?.status.silencedBy == ["recovery:a"])
        router.receive([alert("a", resolved: true)])
        try await pass(3600, router)
        #expect(notified().isEmpty)
    }

    /// The agent recovered, but its rule keeps the alert firing for a while (`keep_firing_for`): what made it fire
    /// is over, so the alert stays held until it resolves and nothing is ever sent; an alert still firing for a
    /// reason of its own after the recovery is sent as usual.
    @Test func anAlertKeptFiringAfterTheRecoveryIsNeverSent() async throws {
        let router = try fixture.router()
        router.hold(agent: "a")
        router.hold(agent: "b")
        router.receive([alert("a"), alert("b")])
        try await pass(60, router, firing: ["a", "b"])
        router.dropHold(agent: "a")
        router.dropHold(agent: "b")
        for _ in 0..<5 {
            clock.advance(by: 60)
            var kept = alert("a")
            kept.keptFiring = true
            router.receive([kept, alert("b")])
            try await fixture.tickAndDeliver(router)
        }
        #expect(notified() == [["b=firing"]], "b still fires; a is only kept firing by its rule")
        router.receive([alert("a", resolved: true)])
        try await pass(3600, router, firing: ["b"])
        #expect(!notified().joined().contains { $0.hasPrefix("a=") })
    }

    /// The ladder gave up before the rule's `for` elapsed (or refused to run before any rule fired): the alert
    /// that fires afterwards says what was tried and goes out at once, not after `group_wait`; once the agent beat
    /// again, its next alert is an ordinary one.
    @Test func anAlertThatFiresAfterTheReleaseCarriesItAndGoesOutAtOnce() async throws {
        let router = try fixture.router()
        router.hold(agent: "a")
        clock.advance(by: 60)
        router.release(agent: "a", annotation: "nothing tried: max_runs_per_hour reached")
        clock.advance(by: 1)
        var late = alert("a")
        late.startsAt = clock.now()
        router.receive([late])
        try await fixture.tickAndDeliver(router)
        #expect(notified() == [["a=firing"]], "at once, not after the 30s group_wait")
        let annotations = fixture.payloads().first?["alerts"]?.arrayValue?.first?.objectValue?["annotations"]
        #expect(annotations?.objectValue?["recovery"]?.stringValue == "nothing tried: max_runs_per_hour reached")

        router.receive([alert("a", resolved: true)])
        router.dropHold(agent: "a")  // the agent beat again
        try await pass(3600, router)
        var later = alert("a")
        later.startsAt = clock.now()
        router.receive([later])
        try await pass(20, router)
        #expect(notified().count == 2, "resolved; the new alert waits its group_wait")
        try await pass(300, router, firing: [])
        let last = fixture.payloads().last?["alerts"]?.arrayValue?.first?.objectValue
        #expect(last?["status"]?.stringValue == "firing")
        #expect(last?["annotations"]?.objectValue?["recovery"] == nil)
    }

    @Test func anAlertNotifiedBeforeTheHoldStillHasItsResolutionSent() async throws {
        let router = try fixture.router()
        router.receive([alert("a")])
        clock.advance(by: 30)
        try await fixture.tickAndDeliver(router)
        router.hold(agent: "a")
        clock.advance(by: 60)
        router.receive([alert("a", resolved: true)])
        router.dropHold(agent: "a")
        clock.advance(by: 300)
        try await fixture.tickAndDeliver(router)
        #expect(notified() == [["a=firing"], ["a=resolved"]])
    }

    @Test func holdsArePerAgentIdempotentAndLeaveKillsAndSilencesAlone() async throws {
        let router = try fixture.router()
        _ = try fixture.registry.ingest(Heartbeat(agent: "k"), at: clock.now())
        try fixture.registry.kill("k", action: OperatorAction(at: clock.now()))
        let silence = try router.postSilence(
            Silence(
                matchers: [try LabelMatcher.alertmanager(.equal, "agent", "s")], startsAt: clock.now(),
                endsAt: clock.now() + .hours(1), createdBy: "bob", comment: "deploy"))
        for agent in ["k", "s", "a"] { router.hold(agent: agent) }
        router.hold(agent: "a")
        router.receive([alert("k"), alert("s"), alert("a"), alert("z")])
        let silencedBy = { (agent: String) in
            router.alerts(AlertQuery()).first { $0.alert.labels["agent"] == agent }?.status.silencedBy ?? []
        }
        #expect(silencedBy("k") == ["killed:k", "recovery:k"])
        #expect(silencedBy("s") == [silence.id, "recovery:s"])
        #expect(silencedBy("z").isEmpty)
        router.dropHold(agent: "a")
        router.dropHold(agent: "a")
        router.dropHold(agent: "k")
        router.release(agent: "s", annotation: Self.tried)
        #expect(router.heldAgents.isEmpty)
        #expect(silencedBy("a").isEmpty)
        #expect(silencedBy("k") == ["killed:k"])
        #expect(silencedBy("s") == [silence.id])
        #expect(router.silences().silences.map(\.id) == [silence.id])
    }
}

extension JSONValue {
    /// The member `key` of an object (nil for other values).
    fileprivate subscript(key: String) -> JSONValue? { objectValue?[key] }
}
