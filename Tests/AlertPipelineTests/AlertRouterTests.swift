import Alerting
import Exposition
import Fleet
import Foundation
import JSON
import Logging
import Model
import PromQL
import Rules
@testable import AlertPipeline
import Server
import TestSupport
import Testing

/// The alert router over a real registry and store, stepped with a manual clock; webhooks go to a recording
/// transport (the real HTTP path is covered end to end in IntegrationTests).
struct AlertRouterTests {
    static let config = """
        route:
          receiver: team
          group_by: [alertname]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
          routes:
            - receiver: forward
              matchers: ['forward="yes"']
        receivers:
          - name: team
            webhook_configs: [{url: 'http://127.0.0.1:9/hook'}]
          - name: forward
            alertmanager_configs: [{url: 'http://127.0.0.1:9093'}]
        global: {external_labels: {fleet: test}, external_url: 'http://hx.example:9747'}
        """

    let clock = ManualClock()
    let registry = AgentRegistry()
    let storage = InMemoryStorage()
    let transport: FakeTransport

    init(outcomes: [FakeTransport.Outcome] = [.status(200)]) {
        transport = FakeTransport(outcomes)
    }

    func router(config text: String = Self.config) throws -> AlertRouter {
        let config = try ExporterConfig.parse(text, file: "hx.yml")
        var options = ExporterOptions()
        options.listenAddress = "127.0.0.1:9747"
        return try AlertRouter(
            settings: Exporter.routerSettings(config, options), registry: registry,
            store: storage, clock: clock, logger: Logger(label: "test"), transport: transport,
            retryDelay: { _ in })
    }

    static let generatorURL = "http://hx.example:9747/graph?g0.expr=agent_up+%3D%3D+0&g0.tab=1"

    /// An alert as the rule manager sends it: firing and valid for 4 minutes, or resolved at `resolvedAt`.
    static func alert(_ agent: String, resolvedAt: Timestamp? = nil, at now: Timestamp, extra: [Label] = [])
        -> Alerting.Alert
    {
        Alerting.Alert(
            labels: Labels([Label("alertname", "AgentDown"), Label("agent", agent)] + extra),
            annotations: Labels([Label("summary", "\(agent) is down")]), startsAt: now,
            endsAt: resolvedAt ?? now + .minutes(4), generatorURL: generatorURL, updatedAt: now)
    }

    /// Ticks, waits until the deliveries it started have finished, and ticks again to apply their outcomes.
    func tickAndDeliver(_ router: AlertRouter) async throws {
        router.tick()
        await router.deliveriesSettled()
        router.tick()
    }

    func payloads() -> [JSONObject] {
        transport.requests.filter { $0.url.path == "/hook" }.compactMap { try? JSONParser.parse($0.body).objectValue }
    }

    func metrics(_ router: AlertRouter) -> String {
        var writer = ExpositionWriter(format: .prometheusText)
        router.metrics.write(into: &writer)
        return String(decoding: writer.finish(), as: UTF8.self)
    }

    @Test func aFiringAlertIsNotifiedOnceAfterGroupWaitThenItsResolution() async throws {
        let router = try router()
        router.receive([Self.alert("a", at: clock.now())])
        try await tickAndDeliver(router)
        #expect(payloads().isEmpty, "group_wait has not passed")
        clock.advance(by: 30)
        try await tickAndDeliver(router)
        let firing = try #require(payloads().last)
        #expect(payloads().count == 1)
        #expect(firing["status"]?.stringValue == "firing")
        #expect(firing["receiver"]?.stringValue == "team")
        #expect(firing["externalURL"]?.stringValue == "http://hx.example:9747")
        let alert = firing["alerts"]?.arrayValue?.first?.objectValue
        #expect(alert?["labels"]?.objectValue?["fleet"]?.stringValue == "test", "external labels are added")
        #expect(alert?["generatorURL"]?.stringValue == Self.generatorURL)

        clock.advance(by: 300)
        router.receive([Self.alert("a", at: clock.now())])  // resent by the rule engine: nothing new
        try await tickAndDeliver(router)
        #expect(payloads().count == 1)

        router.receive([Self.alert("a", resolvedAt: clock.now(), at: clock.now())])
        clock.advance(by: 300)
        try await tickAndDeliver(router)
        #expect(payloads().map { $0["status"]?.stringValue } == ["firing", "resolved"])
        #expect(
            metrics(router).contains(#"heartbeat_exporter_notifications_total{receiver="team",result="success"} 2"#))
    }

    @Test func aKilledAgentsAlertsAreSuppressedUntilResume() async throws {
        let router = try router()
        _ = try registry.ingest(Heartbeat(agent: "a"), at: clock.now())
        _ = try registry.kill("a", action: OperatorAction(reason: "runaway cost", by: "alice", at: clock.now()))
        router.receive([Self.alert("a", at: clock.now())])
        let listed = router.alerts(AlertQuery())
        #expect(listed.map(\.status.state) == [.suppressed])
        #expect(listed.first?.status.silencedBy == ["killed:a"])
        clock.advance(by: 30)
        try await tickAndDeliver(router)
        #expect(payloads().isEmpty)

        _ = try registry.resume("a", action: OperatorAction(reason: nil, by: "alice", at: clock.now()))
        #expect(router.alerts(AlertQuery()).map(\.status.state) == [.active])
        clock.advance(by: 300)
        router.receive([Self.alert("a", at: clock.now())])  // the rule engine's resend
        try await tickAndDeliver(router)
        #expect(payloads().map { $0["status"]?.stringValue } == ["firing"])
    }

    @Test func aSilenceMutesUntilExpiredAndIsStored() async throws {
        let router = try router()
        let matcher = try LabelMatcher.alertmanager(.equal, "agent", "a")
        let silence = try router.postSilence(
            Silence(
                matchers: [matcher], startsAt: clock.now(), endsAt: clock.now() + .hours(1), createdBy: "bob",
                comment: "deploy"))
        #expect(try storage.loadSilences().map(\.id) == [silence.id])
        router.receive([Self.alert("a", at: clock.now())])
        #expect(router.alerts(AlertQuery()).first?.status.silencedBy == [silence.id])
        clock.advance(by: 30)
        try await tickAndDeliver(router)
        #expect(payloads().isEmpty)

        try router.expireSilence(id: silence.id)
        let reloaded = try storage.loadSilences()
        #expect(reloaded.first?.state(at: clock.now() + .seconds(1)) == .expired)
        clock.advance(by: 300)
        router.receive([Self.alert("a", at: clock.now())])  // the rule engine's resend
        try await tickAndDeliver(router)
        #expect(payloads().count == 1)
    }

    @Test func silenceWritesAreRefusedWithAlertmanagersReasons() throws {
        let router = try router()
        #expect(throws: SilenceWriteError.self) { try router.expireSilence(id: "no-such-id") }
        let matcher = try LabelMatcher.alertmanager(.equal, "agent", "a")
        do {
            _ = try router.postSilence(
                Silence(
                    matchers: [matcher], startsAt: clock.now(),
                    endsAt: clock.now() - .seconds(1),
                    createdBy: "bob", comment: "x"))
            Issue.record("an end before the start was accepted")
        } catch {
            #expect(error.description == "Failed to create silence: start time must be before end time")
        }
        #expect(try storage.loadSilences().isEmpty)
    }

    @Test func aSilenceThatCannotBeSavedIsNotInForce() throws {
        let router = try router()
        storage.failWrites = true
        let matcher = try LabelMatcher.alertmanager(.equal, "agent", "a")
        let silence = Silence(
            matchers: [matcher], startsAt: clock.now(), endsAt: clock.now() + .hours(1), createdBy: "bob",
            comment: "x")
        #expect(throws: SilenceWriteError.self) { try router.postSilence(silence) }
        #expect(router.silences().silences.isEmpty)
        storage.failWrites = false
        #expect(try router.postSilence(silence).id.isEmpty == false)
        #expect(router.silences().silences.count == 1)
    }

    @Test func theNotificationLogKeepsARestartFromResending() async throws {
        let first = try router()
        first.receive([Self.alert("a", at: clock.now())])
        clock.advance(by: 30)
        try await tickAndDeliver(first)
        #expect(payloads().count == 1)
        first.saveRemainingLog()

        let second = try router()  // a restart: same storage, empty groups
        clock.advance(by: 60)
        second.receive([Self.alert("a", at: clock.now())])
        clock.advance(by: 30)
        try await tickAndDeliver(second)
        #expect(payloads().count == 1, "already notified within repeat_interval")
        clock.advance(by: 4 * 3600)
        second.receive([Self.alert("a", at: clock.now())])
        try await tickAndDeliver(second)
        #expect(payloads().count == 2, "repeat_interval passed")
    }

    @Test func aReloadKeepsWhatWasNotified() async throws {
        let router = try router()
        router.receive([Self.alert("a", at: clock.now())])
        clock.advance(by: 30)
        try await tickAndDeliver(router)
        let reloaded = try ExporterConfig.parse(
            Self.config.replacingOccurrences(of: "group_wait: 30s", with: "group_wait: 5s"),
            file: "hx.yml")
        router.reconfigure(Exporter.routerSettings(reloaded, ExporterOptions()))
        clock.advance(by: 10)
        try await tickAndDeliver(router)
        #expect(payloads().count == 1)
    }

    @Test func anInhibitedAlertIsListedWithItsSourceAndNotSent() async throws {
        let router = try router(
            config: Self.config + """

                inhibit_rules:
                  - source_matchers: ['alertname="AgentDown"']
                    target_matchers: ['alertname="AgentSlow"']
                    equal: [agent]
                """)
        let source = Self.alert("a", at: clock.now())
        var target = Self.alert("a", at: clock.now())
        target.labels = target.labels.setting("alertname", to: "AgentSlow")
        var unrelated = Self.alert("b", at: clock.now())
        unrelated.labels = unrelated.labels.setting("alertname", to: "AgentSlow")
        router.receive([source, target, unrelated])
        let statuses = Dictionary(
            uniqueKeysWithValues: router.alerts(AlertQuery()).map {
                ($0.alert.labels["alertname"] + "/" + $0.alert.labels["agent"], $0.status)
            })
        #expect(statuses["AgentSlow/a"]?.inhibitedBy.count == 1)
        #expect(statuses["AgentSlow/b"]?.state == .active, "equal: [agent] does not hold")
        clock.advance(by: 30)
        try await tickAndDeliver(router)
        let notified = payloads().flatMap { $0["alerts"]?.arrayValue ?? [] }.map {
            ($0.objectValue?["labels"]?.objectValue?["alertname"]?.stringValue ?? "") + "/"
                + ($0.objectValue?["labels"]?.objectValue?["agent"]?.stringValue ?? "")
        }
        #expect(notified.sorted() == ["AgentDown/a", "AgentSlow/b"])
    }

    @Test func alertsRoutedToAnAlertmanagerAreForwardedAtOnce() async throws {
        let router = try router()
        router.receive([Self.alert("f", at: clock.now(), extra: [Label("forward", "yes")])])
        try await tickAndDeliver(router)
        let forwarded = transport.requests.filter { $0.url.path == "/api/v2/alerts" }
        #expect(forwarded.count == 1)
        let body = try #require(try JSONParser.parse(forwarded.first?.body ?? []).arrayValue?.first?.objectValue)
        #expect(body["labels"]?.objectValue?["agent"]?.stringValue == "f")
        #expect(Timestamp(rfc3339: body["endsAt"]?.stringValue ?? "") == clock.now() + .minutes(4))
        #expect(
            metrics(router).contains(#"heartbeat_exporter_notifications_total{receiver="forward",result="success"} 1"#))
    }
}

/// A 4xx answer is final: one attempt, counted as a permanent error.
struct AlertRouterRefusalTests {
    @Test func aRefusedWebhookIsNotRetried() async throws {
        let fixture = AlertRouterTests(outcomes: [.status(400)])
        let router = try fixture.router()
        router.receive([AlertRouterTests.alert("a", at: fixture.clock.now())])
        fixture.clock.advance(by: 30)
        try await fixture.tickAndDeliver(router)
        #expect(fixture.transport.requests.count == 1)
        #expect(
            fixture.metrics(router).contains(
                #"heartbeat_exporter_notifications_total{receiver="team",result="permanent_error"} 1"#))
    }
}
