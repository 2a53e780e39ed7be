import Alerting
import Model
@testable import RuleManager
import Rules
import Testing

/// Prometheus' `sendAlerts`: what the notifier receives of a rule's alert.
struct SentAlertsTests {
    static let start = Timestamp(seconds: 1_764_108_000)

    static func ruleAlert(resolvedAt: Timestamp? = nil) -> Rules.Alert {
        Rules.Alert(
            labels: Labels([Label("alertname", "AgentDown"), Label("agent", "a")]),
            annotations: Labels([Label("summary", "a is down")]), state: resolvedAt == nil ? .firing : .inactive,
            activeAt: start, firedAt: start + .minutes(2), resolvedAt: resolvedAt, lastSentAt: start + .minutes(3),
            validUntil: start + .minutes(7), value: 1)
    }

    @Test func aFiringAlertStartsWhenItFiredAndEndsWhenItStopsBeingValid() throws {
        let sent = try #require(
            SentAlerts.alerts(
                [Self.ruleAlert()], expression: "agent_up == 0", link: .page("http://hx:9747/api/v1/rules"),
                at: Self.start + .minutes(3)
            ).first)
        #expect(sent.startsAt == Self.start + .minutes(2))
        #expect(sent.endsAt == Self.start + .minutes(7))
        #expect(sent.updatedAt == Self.start + .minutes(3))
        #expect(sent.labels == Self.ruleAlert().labels)
        #expect(sent.annotations == Self.ruleAlert().annotations)
    }

    @Test func anAlertFiringOnlyByKeepFiringForIsMarkedSo() throws {
        var kept = Self.ruleAlert()
        kept.keepFiringSince = Self.start + .minutes(4)
        let sent = SentAlerts.alerts(
            [Self.ruleAlert(), kept], expression: "up", link: .page(""), at: Self.start + .minutes(5))
        #expect(sent.map(\.keptFiring) == [false, true])
    }

    @Test func aResolvedAlertEndsWhenItResolved() throws {
        let resolvedAt = Self.start + .minutes(5)
        let sent = try #require(
            SentAlerts.alerts(
                [Self.ruleAlert(resolvedAt: resolvedAt)], expression: "up", link: .page("http://hx/api/v1/rules"),
                at: resolvedAt
            ).first)
        #expect(sent.endsAt == resolvedAt)
        #expect(sent.isResolved(at: resolvedAt))
    }

    @Test(arguments: [
        ("agent_up == 0", "http://hx.example:9747/graph?g0.expr=agent_up+%3D%3D+0&g0.tab=1"),
        (
            #"rate(x{a="b/c"}[5m]) > 0.5"#,
            "http://hx.example:9747/graph?g0.expr=rate%28x%7Ba%3D%22b%2Fc%22%7D%5B5m%5D%29+%3E+0.5&g0.tab=1"
        ),
        ("é~", "http://hx.example:9747/graph?g0.expr=%C3%A9~&g0.tab=1"),
    ])
    func theGeneratorURLOpensTheExpressionAsPrometheusLinksIt(expression: String, url: String) throws {
        let sent = SentAlerts.alerts(
            [Self.ruleAlert()], expression: expression, link: .prometheusGraph(base: "http://hx.example:9747"),
            at: Self.start)
        #expect(sent.first?.generatorURL == url)
    }

    @Test func withoutAPrometheusEveryAlertLinksToTheSamePage() {
        let sent = SentAlerts.alerts(
            [Self.ruleAlert()], expression: "agent_up == 0", link: .page("http://hx:9747/api/v1/rules"),
            at: Self.start)
        #expect(sent.first?.generatorURL == "http://hx:9747/api/v1/rules")
    }
}
