import Alerting
import Model
import TestSupport
import Testing

@testable import AlertPipeline

/// When a silence ends while the alert it muted still fires, the alert is notified at its group's next flush,
/// not after `repeat_interval` (Alertmanager's issue 730). Router fixture of ``AlertRouterTests``: group_wait 30s,
/// group_interval 5m, repeat_interval 4h.
struct SilenceEndTests {
    let acks = AcknowledgementTests()
    var clock: ManualClock { acks.clock }

    func silence(_ router: AlertRouter, hours: Int) throws -> Silence {
        try router.postSilence(
            Silence(
                matchers: [try LabelMatcher.alertmanager(.equal, "agent", "a")], startsAt: clock.now(),
                endsAt: clock.now() + .hours(hours), createdBy: "bob", comment: "maintenance"))
    }

    @Test(arguments: [false, true])
    func anAlertStillFiringWhenItsSilenceEndsIsNotifiedAtTheNextFlush(expiredByHand: Bool) async throws {
        let router = try acks.fixture.router()
        let start = clock.now()
        router.receive([acks.alert("a", since: start)])
        try await acks.pass(60, router, firing: ["a"], since: start)
        #expect(acks.notified() == [["a=firing"]])
        let muting = try silence(router, hours: 2)
        try await acks.pass(3600, router, firing: ["a"], since: start)
        #expect(acks.notified() == [["a=firing"]], "muted")
        if expiredByHand {
            try router.expireSilence(id: muting.id)
        } else {
            try await acks.pass(3600, router, firing: ["a"], since: start)
        }
        try await acks.pass(300, router, firing: ["a"], since: start)
        #expect(acks.notified() == [["a=firing"], ["a=firing"]], "within a group interval of the silence's end")
        try await acks.pass(3 * 3600, router, firing: ["a"], since: start)
        #expect(acks.notified().count == 2, "and then at repeat_interval as usual")
    }
}
