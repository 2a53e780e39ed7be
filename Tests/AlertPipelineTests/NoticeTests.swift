import Alerting
import Fleet
import JSON
import Model
import TestSupport
import Testing

@testable import AlertPipeline

/// Notices (`notices:`): events announced through the route tree as short-lived informational alerts, stepped
/// with the manual clock over the router fixture of ``AlertRouterTests`` (group_wait 30s, group_interval 5m).
struct NoticeTests {
    static func config(events: String = "") -> String {
        AlertRouterTests.config.replacingOccurrences(
            of: "receivers:\n",
            with: "receivers:\n  - name: ops\n    webhook_configs: [{url: 'http://127.0.0.1:9/ops'}]\n")
            + "\nnotices: {receiver: ops\(events)}\n"
    }

    let fixture = AlertRouterTests()
    var clock: ManualClock { fixture.clock }

    /// `notice=status` of each alert of each notification the `ops` receiver got.
    func opsNotified() -> [[String]] {
        fixture.transport.requests.filter { $0.url.path == "/ops" }.compactMap { request in
            (try? JSONParser.parse(request.body).objectValue)?["alerts"]?.arrayValue?.map { alert in
                let object = alert.objectValue
                return (object?["labels"]?.objectValue?["notice"]?.stringValue ?? "") + "="
                    + (object?["status"]?.stringValue ?? "")
            }
        }
    }

    /// The labels and annotations of the first alert the `ops` receiver got.
    func firstNotice() throws -> (labels: JSONObject, annotations: JSONObject) {
        let request = try #require(fixture.transport.requests.first { $0.url.path == "/ops" })
        let alert = try #require(JSONParser.parse(request.body).objectValue?["alerts"]?.arrayValue?.first?.objectValue)
        return (alert["labels"]?.objectValue ?? JSONObject(), alert["annotations"]?.objectValue ?? JSONObject())
    }

    func pass(_ seconds: Int, _ router: AlertRouter) async throws {
        var left = seconds
        while left > 0 {
            clock.advance(by: Double(min(left, 30)))
            left -= min(left, 30)
            try await fixture.tickAndDeliver(router)
        }
    }

    @Test func aSilenceCreatedAndExpiredIsAnnouncedToTheNoticesReceiverThenResolved() async throws {
        let router = try fixture.router(config: Self.config())
        let silence = try router.postSilence(
            Silence(
                matchers: [try LabelMatcher.alertmanager(.equal, "agent", "a")], startsAt: clock.now(),
                endsAt: clock.now() + .hours(1), createdBy: "bob", comment: "maintenance"))
        try await pass(30, router)
        #expect(opsNotified() == [["silence_created=firing"]], "after group_wait, at the notices' receiver")
        let (labels, annotations) = try firstNotice()
        #expect(labels["alertname"]?.stringValue == "HeartbeatExporterNotice")
        #expect(labels["severity"]?.stringValue == "info")
        #expect(labels["silence_id"]?.stringValue == silence.id)
        #expect(annotations["created_by"]?.stringValue == "bob")
        #expect(annotations["comment"]?.stringValue == "maintenance")
        #expect(annotations["matchers"]?.stringValue == #"{agent="a"}"#)
        #expect(fixture.payloads().isEmpty, "the team receiver gets no notice")

        try await pass(300, router)
        #expect(opsNotified() == [["silence_created=firing"], ["silence_created=resolved"]], "resolved right away")
        try router.expireSilence(id: silence.id)
        try await pass(630, router)  // the group's next flush after the end, then one more for the resolution
        #expect(
            opsNotified().suffix(2) == [["silence_expired=firing"], ["silence_expired=resolved"]],
            "\(opsNotified())")
    }

    @Test func aKillIsAnnouncedAndNotMutedByItself() async throws {
        let router = try fixture.router(config: Self.config())
        _ = try fixture.registry.ingest(Heartbeat(agent: "a"), at: clock.now())
        _ = try fixture.registry.kill("a", action: OperatorAction(reason: "runaway cost", by: "alice", at: clock.now()))
        router.announce(.agent("a", killed: true, by: "alice", reason: "runaway cost"))
        try await pass(30, router)
        #expect(opsNotified() == [["agent_killed=firing"]])
        let (labels, annotations) = try firstNotice()
        #expect(labels["agent"]?.stringValue == "a")
        #expect(annotations["summary"]?.stringValue == "agent a killed by alice")
        #expect(annotations["comment"]?.stringValue == "runaway cost")
    }

    /// An operator's trial: a kill, a resume and a kill again within a second came as one kill and one resume (the
    /// two kills had the same labels), the kill listed first. Each event is an alert of its own, in time order.
    @Test func eventsAlikeStayApartAndInTheirOrder() async throws {
        let router = try fixture.router(config: Self.config())
        for killed in [true, false, true] {
            router.announce(.agent("a", killed: killed, by: "alice", reason: ""))
            clock.advance(by: 0.25)
        }
        try await pass(30, router)
        #expect(opsNotified() == [["agent_killed=firing", "agent_resumed=firing", "agent_killed=firing"]])
        #expect(Notice.label(Timestamp(milliseconds: 1_800_000_000_070)) == "2027-01-15T08:00:00.070Z")
    }

    @Test func anAcknowledgementIsAnnounced() async throws {
        let router = try fixture.router(config: Self.config())
        router.receive([AlertRouterTests.alert("a", at: clock.now())])
        let made = try router.acknowledge(
            matchers: [try LabelMatcher.alertmanager(.equal, "agent", "a")], createdBy: "alice", comment: "on it",
            endsAt: nil)
        try await pass(30, router)
        #expect(opsNotified() == [["ack=firing"]])
        let (labels, annotations) = try firstNotice()
        #expect(labels["acknowledgement_id"]?.stringValue == made.id)
        #expect(annotations["summary"]?.stringValue == #"1 firing alert of {agent="a"} acknowledged by alice"#)
    }

    @Test func onlyTheListedEventsAreAnnounced() async throws {
        let router = try fixture.router(config: Self.config(events: ", events: [agent_resumed]"))
        router.announce(.agent("a", killed: true, by: "alice", reason: ""))
        router.announce(.agent("a", killed: false, by: "alice", reason: ""))
        try await pass(30, router)
        #expect(opsNotified() == [["agent_resumed=firing"]])
    }

    @Test func withoutTheSectionNothingIsAnnounced() async throws {
        let router = try fixture.router()
        router.announce(.agent("a", killed: true, by: "alice", reason: ""))
        try await pass(60, router)
        #expect(fixture.transport.requests.isEmpty)
        #expect(router.alerts(AlertQuery()).isEmpty)
    }

    @Test func withoutAReceiverNoticesAreRoutedLikeAnyAlert() async throws {
        let router = try fixture.router(config: AlertRouterTests.config + "\nnotices: {events: [agent_killed]}\n")
        router.announce(.agent("a", killed: true, by: "alice", reason: ""))
        try await pass(30, router)
        #expect(fixture.payloads().count == 1, "the root's receiver, team")
    }
}
