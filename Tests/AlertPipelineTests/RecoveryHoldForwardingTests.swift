import Alerting
import JSON
import Model
import Testing

@testable import AlertPipeline

/// Alerts routed to an Alertmanager (`alertmanager_configs`), forwarded as they arrive: a hold keeps the
/// Alertmanager in step with what it was told.
struct RecoveryHoldForwardingTests {
    let hold = RecoveryHoldTests()

    /// What was forwarded so far, in order: the `state` annotation of each alert sent to the Alertmanager.
    func forwarded() -> [String] {
        hold.fixture.transport.requests.filter { $0.url.path == "/api/v2/alerts" }.compactMap { request in
            let alert = try? JSONParser.parse(request.body).arrayValue?.first?.objectValue
            return alert?["annotations"]?.objectValue?["state"]?.stringValue
        }
    }

    /// The rule engine's alert about `f`, routed to the Alertmanager, with its state in an annotation so the test
    /// can read what was forwarded.
    func alert(resolved: Bool = false) -> Alerting.Alert {
        var alert = hold.alert("f", resolved: resolved, extra: [Label("forward", "yes")])
        alert.annotations = Labels([Label("state", resolved ? "resolved" : "firing")])
        return alert
    }

    @Test func aResolutionIsForwardedOnlyForAnAlertTheAlertmanagerWasToldAbout() async throws {
        let router = try hold.fixture.router()
        router.receive([alert()])
        router.hold(agent: "f")
        router.receive([alert()])
        router.receive([alert(resolved: true)])
        router.dropHold(agent: "f")
        router.receive([alert(resolved: true)])  // Prometheus resends resolved alerts for a while
        await router.deliveriesSettled()
        // Deliveries run side by side: their order is not the test's concern, what was forwarded is.
        #expect(forwarded().sorted() == ["firing", "resolved"], "forwarded before the hold: its resolution follows")
    }

    @Test func anAlertNeverForwardedHasItsResolutionKeptBackUnlessItFiresAfterTheHold() async throws {
        let router = try hold.fixture.router()
        router.hold(agent: "f")
        router.receive([alert()])
        router.dropHold(agent: "f")
        router.receive([alert(resolved: true)])
        await router.deliveriesSettled()
        #expect(forwarded().isEmpty)

        hold.clock.advance(by: 3600)
        router.hold(agent: "f")
        router.receive([alert()])
        router.dropHold(agent: "f")
        router.receive([alert()])  // still firing after the hold
        router.receive([alert(resolved: true)])
        await router.deliveriesSettled()
        #expect(forwarded().sorted() == ["firing", "resolved"])
    }
}
