import Alerting
import Fleet
import Model
import TestSupport
import Testing

@testable import AlertPipeline

/// An operator's trial: an alert paged as firing whose agent was then killed (or whose dependency went down) never
/// had its resolution sent, so the pager kept an incident open for good. A kill, a maintenance window or a dependency
/// mutes an agent's pages, not the end of one already sent; a silence drops it, as in Alertmanager.
struct MutedResolutionTests {
    let fixture = AlertRouterTests()
    var clock: ManualClock { fixture.clock }

    /// Agent `a`'s alert fires and is notified, `mute` mutes it, it resolves; returns the statuses notified.
    func resolveWhileMuted(_ mute: (AlertRouter) throws -> Void) async throws -> [String] {
        let router = try fixture.router()
        _ = try fixture.registry.ingest(Heartbeat(agent: "a"), at: clock.now())
        router.receive([AlertRouterTests.alert("a", at: clock.now())])
        clock.advance(by: 30)
        try await fixture.tickAndDeliver(router)
        try mute(router)
        clock.advance(by: 60)
        router.receive([AlertRouterTests.alert("a", resolvedAt: clock.now(), at: clock.now())])
        for _ in 0..<6 {
            clock.advance(by: 60)
            try await fixture.tickAndDeliver(router)
        }
        return fixture.payloads().compactMap { $0["status"]?.stringValue }
    }

    @Test func aPagedAlertWhoseAgentIsKilledHasItsResolutionSent() async throws {
        let sent = try await resolveWhileMuted { _ in
            _ = try fixture.registry.kill("a", action: OperatorAction(at: clock.now()))
        }
        #expect(sent == ["firing", "resolved"])
    }

    @Test func aPagedAlertWhoseAgentIsInMaintenanceHasItsResolutionSent() async throws {
        let sent = try await resolveWhileMuted { _ in
            let window = MaintenanceWindow(startsAt: clock.now(), until: clock.now() + .hours(1))
            _ = try fixture.registry.startMaintenance("a", window: window)
        }
        #expect(sent == ["firing", "resolved"])
    }

    @Test func aPagedAlertThatASilenceMutesHasNoResolutionSentAsInAlertmanager() async throws {
        let sent = try await resolveWhileMuted { router in
            let matcher = try LabelMatcher(.equal, "agent", "a")
            _ = try router.postSilence(
                Silence(
                    matchers: [matcher], startsAt: clock.now(), endsAt: clock.now() + .hours(1), createdBy: "test",
                    comment: "quiet"))
        }
        #expect(sent == ["firing"])
    }
}
