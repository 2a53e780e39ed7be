import Alerting
import Fleet
import Model
import TestSupport
import Testing

@testable import AlertPipeline

/// An operator's trial: an alert still firing when its agent was resumed waited for the next `repeat_interval`
/// (4h in the fixture), though a silence that ends notifies at the group's next flush. A resume does the same.
struct ResumeRenotifyTests {
    let fixture = AlertRouterTests()
    var clock: ManualClock { fixture.clock }

    func alert(_ agent: String, since start: Timestamp) -> Alerting.Alert {
        var alert = AlertRouterTests.alert(agent, at: clock.now())
        alert.startsAt = start
        return alert
    }

    /// Agent `a`'s alert fires and is notified once; it is killed, its alert kept coming (`keptFiring` as given) for
    /// 10 minutes, then resumed, with 5 more minutes of evaluations. Returns how many notifications went out.
    func killAndResume(keptFiring: Bool) async throws -> Int {
        let router = try fixture.router()
        _ = try fixture.registry.ingest(Heartbeat(agent: "a"), at: clock.now())
        let start = clock.now()
        router.receive([alert("a", since: start)])
        clock.advance(by: 30)
        try await fixture.tickAndDeliver(router)
        #expect(fixture.payloads().count == 1)

        func evaluated() -> Alerting.Alert {
            var evaluated = alert("a", since: start)
            evaluated.keptFiring = keptFiring
            return evaluated
        }
        _ = try fixture.registry.kill("a", action: OperatorAction(at: clock.now()))
        for _ in 0..<10 {
            clock.advance(by: 60)
            router.receive([evaluated()])
            try await fixture.tickAndDeliver(router)
        }
        _ = try fixture.registry.resume("a", action: OperatorAction(at: clock.now()))
        router.renotifyResumed(agent: "a")
        for _ in 0..<5 {
            clock.advance(by: 60)
            router.receive([evaluated()])
            try await fixture.tickAndDeliver(router)
        }
        return fixture.payloads().count
    }

    @Test func aResumedAgentsFiringAlertIsNotifiedAtTheNextFlush() async throws {
        let sent = try await killAndResume(keptFiring: false)
        #expect(sent == 2, "notified again within the group interval (5m), not after 4h")
    }

    /// The outage that made it fire is over; its rule's `keep_firing_for` keeps it firing a while longer.
    @Test func anAlertKeptFiringOnlyByKeepFiringForIsNotPagedAgainAtAResume() async throws {
        let sent = try await killAndResume(keptFiring: true)
        #expect(sent == 1, "a leftover of the earlier outage pages nobody at the resume")
    }
}
