import Exposition
import Fleet
import JSON
import Model
import Testing
import TestSupport

/// The bounded store of refused heartbeats, stepped with a manual clock.
struct HeartbeatRejectionsTests {
    let clock = ManualClock()

    func refuse(
        _ store: HeartbeatRejections, _ agent: String?, _ reason: RejectionReason = .tooManyLabels,
        message: String = "field \"labels\": at most 8 labels per agent, got 9"
    ) {
        store.record(agent: agent, reason: reason, status: 429, message: message, at: clock.now())
    }

    @Test func oneEntryPerAgentAndReasonWithCountLastErrorAndTimes() {
        let store = HeartbeatRejections()
        let first = clock.now()
        refuse(store, "labeller")
        clock.advance(by: 30)
        refuse(store, "labeller", message: "field \"labels\": at most 8 labels per agent, got 10")
        refuse(store, "labeller", .invalidLabel, message: "field \"labels.team-name\": label name must match")
        refuse(store, nil, .malformedBody, message: "unexpected end of input at byte 12")

        let recent = store.recent(at: clock.now())
        #expect(recent.count == 3)
        let labels = recent.first { $0.agent == "labeller" && $0.reason == .tooManyLabels }
        #expect(labels?.count == 2)
        #expect(labels?.firstAt == first)
        #expect(labels?.lastAt == clock.now())
        #expect(labels?.lastError == "field \"labels\": at most 8 labels per agent, got 10")
        #expect(recent.contains { $0.agent == nil && $0.reason == .malformedBody && $0.count == 1 })
        #expect(store.totals[.tooManyLabels] == 2)
        #expect(store.totals[.invalidLabel] == 1)
        #expect(store.totals[.agentLimit] == 0, "every reason is present")
    }

    @Test func entriesAreListedForAnHourAfterTheirLastRefusal() {
        let store = HeartbeatRejections()
        refuse(store, "old")
        clock.advance(by: 1800)
        refuse(store, "newer")
        #expect(store.recent(at: clock.now()).map(\.agent) == ["newer", "old"], "newest first")
        clock.advance(by: 1801)
        #expect(store.recent(at: clock.now()).map(\.agent) == ["newer"])
        #expect(store.totals[.tooManyLabels] == 2, "totals are kept when entries age out")
    }

    @Test func atTheBoundTheEntryRefusedLongestAgoIsEvicted() {
        let store = HeartbeatRejections(capacity: 3)
        for agent in ["a", "b", "c"] {
            refuse(store, agent)
            clock.advance(by: 1)
        }
        refuse(store, "a")  // a is now the latest; b was refused longest ago
        clock.advance(by: 1)
        refuse(store, "d")
        let agents = Set(store.recent(at: clock.now()).compactMap(\.agent))
        #expect(agents == ["a", "c", "d"])
        #expect(store.evicted == 1)
        #expect(store.totals[.tooManyLabels] == 5)
    }

    @Test func atTheBoundEntriesPastRetentionGoFirstWithoutCountingAsEvicted() {
        let store = HeartbeatRejections(capacity: 2)
        refuse(store, "stale")
        clock.advance(by: 3700)
        refuse(store, "recent")
        refuse(store, "new")
        #expect(Set(store.recent(at: clock.now()).compactMap(\.agent)) == ["recent", "new"])
        #expect(store.evicted == 0)
    }

    @Test func aLongErrorIsCutOnACharacterBoundary() {
        let store = HeartbeatRejections()
        refuse(store, "a", .invalidLabel, message: "field \"labels." + String(repeating: "é", count: 300) + "\"")
        let error = store.recent(at: clock.now()).first?.lastError ?? ""
        #expect(error.utf8.count <= HeartbeatRejections.maxErrorBytes)
        #expect(error.hasPrefix("field \"labels.éé") && error.hasSuffix("é…"))
    }

    @Test func theCounterHasEveryReasonFromTheStart() {
        let store = HeartbeatRejections()
        refuse(store, "a", .invalidLabel)
        var writer = ExpositionWriter(format: .prometheusText)
        store.write(into: &writer)
        #expect(
            String(decoding: writer.finish(), as: UTF8.self) == """
                # HELP heartbeat_exporter_heartbeats_rejected_total Heartbeats rejected, by reason; GET /api/v1/rejections lists the agents and errors.
                # TYPE heartbeat_exporter_heartbeats_rejected_total counter
                heartbeat_exporter_heartbeats_rejected_total{reason="agent_limit"} 0
                heartbeat_exporter_heartbeats_rejected_total{reason="invalid_field"} 0
                heartbeat_exporter_heartbeats_rejected_total{reason="invalid_label"} 1
                heartbeat_exporter_heartbeats_rejected_total{reason="malformed_body"} 0
                heartbeat_exporter_heartbeats_rejected_total{reason="too_many_labels"} 0
                heartbeat_exporter_heartbeats_rejected_total{reason="unauthorized"} 0

                """)
    }

    @Test(
        arguments: [
            (#"{"agent": "labeller", "labels": {"team-name": "x"}}"#, "labeller"),
            (#"{"agent": "bad name!"}"#, nil),
            (#"{"agent": 7}"#, nil),
            (#"[{"agent": "a"}]"#, nil),
        ] as [(String, String?)])
    func theAgentOfARefusedBodyIsReadWhenItIsAValidName(body: String, agent: String?) throws {
        #expect(HeartbeatDecoder().readableAgentName(try JSONParser.parse(Array(body.utf8))) == agent)
    }
}
