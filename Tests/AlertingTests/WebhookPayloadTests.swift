import Alerting
import Foundation
import Model
import PromQL
import Testing

/// The payload compared byte for byte with what the real Alertmanager 0.25 sent for the same alerts and
/// configuration (`testdata/README.md`).
struct WebhookPayloadTests {
    static let externalURL = "http://am.example:9093"

    static func referenceDispatcher() throws -> (Dispatcher, WebhookConfig) {
        let yaml = String(decoding: try testdata("alertmanager-reference.yml"), as: UTF8.self)
        let config = try #require(try alertingConfig(yaml))
        let webhook = try #require(config.receivers.first?.webhookConfigs.first)
        return (Dispatcher(route: Route(config.route), receivers: config.receivers), webhook)
    }

    static func goldenLines(_ name: String) throws -> [[UInt8]] {
        try testdata(name).split(separator: UInt8(ascii: "\n")).map { Array($0) + [UInt8(ascii: "\n")] }
    }

    @Test func truncatesToMaxAlertsInAlertmanagersOrder() throws {
        var (dispatcher, webhook) = try Self.referenceDispatcher()
        let now = at("2026-11-25T22:39:35Z")
        let base = "agent=order-1,alertname=AgentDown,severity=critical,job=hx"
        dispatcher.insert(
            [
                Alert(
                    labels: labels(base), annotations: Labels(["summary": #"agent order-1 is down <now> & "quoted""#]),
                    startsAt: at("2026-11-25T22:00:00.5Z"), generatorURL: "http://hx:9747/graph?g0.expr=up",
                    updatedAt: now),
                Alert(
                    labels: labels(base + ",instance=b"), annotations: Labels(["summary": "two"]),
                    startsAt: at("2026-11-25T22:00:01Z"), updatedAt: now),
                Alert(
                    labels: labels(base + ",instance=a"), annotations: Labels(["summary": "three"]),
                    startsAt: at("2026-11-25T22:00:02.123Z"), endsAt: now + .seconds(300), updatedAt: now),
            ], at: now)
        let notification = try #require(dispatcher.tick(at: now).first)
        #expect(notification.webhookBody(webhook) == (try Self.goldenLines("webhook-truncated.golden")[0]))
    }

    @Test func firingThenResolvedWithGoEscaping() throws {
        var (dispatcher, webhook) = try Self.referenceDispatcher()
        let golden = try Self.goldenLines("webhook-resolve.golden")
        let start = at("2026-11-25T22:00:00Z"), now = at("2026-11-25T22:40:00Z")
        var alert = Alert(
            labels: labels("alertname=X,team=a"),
            annotations: Labels(["summary": "<b> & é \u{2028} \u{01}"]), startsAt: start,
            generatorURL: "http://x/?a=1&b=2", updatedAt: now)
        dispatcher.insert([alert], at: now)
        let firing = try #require(dispatcher.tick(at: now).first)
        #expect(firing.webhookBody(webhook) == golden[0])
        dispatcher.delivered(firing, succeeded: true, at: now)

        alert.endsAt = at("2026-11-25T22:01:00.25Z")
        alert.updatedAt = now + .seconds(1)
        dispatcher.insert([alert], at: now + .seconds(1))
        let resolved = try #require(dispatcher.tick(at: now + .seconds(2)).first)
        #expect(resolved.webhookBody(webhook) == golden[1])
    }

    @Test func receiverNamesAreRegexpQuoted() throws {
        let yaml =
            "route: {receiver: 'team.a (pager)'}\nreceivers: [{name: 'team.a (pager)', webhook_configs: [{url: 'http://h/'}]}]"
        let config = try #require(try alertingConfig(yaml))
        var dispatcher = Dispatcher(route: Route(config.route), receivers: config.receivers)
        dispatcher.insert(
            [Alert(labels: labels("a=b"), startsAt: .epoch, updatedAt: .epoch)],
            at: Timestamp(seconds: 100))
        let notification = try #require(dispatcher.tick(at: Timestamp(seconds: 100)).first)
        let body = try #require(
            try JSONSerialization.jsonObject(
                with: Data(
                    WebhookPayload.encode(
                        notification, maxAlerts: 0, externalURL: ""))) as? [String: Any])
        #expect(body["receiver"] as? String == #"team\.a \(pager\)"#)
        #expect(body["groupKey"] as? String == "{}:{}")
    }
}

extension AlertNotification {
    func webhookBody(_ config: WebhookConfig) -> [UInt8] {
        WebhookPayload.encode(self, maxAlerts: config.maxAlerts, externalURL: WebhookPayloadTests.externalURL)
    }
}

/// Alertmanager's order of alerts in a notification.
struct AlertOrderTests {
    @Test(arguments: [
        ("a=1", "a=1,b=2", true),  // fewer labels first
        ("a=1,b=2", "a=1,c=2", false),  // b only on the left: the left goes after
        ("a=1,c=2", "a=1,b=2", true),
        ("a=1", "a=2", true),
        ("a=2", "a=1", false),
        ("a=1", "a=1", false),
    ])
    func labelSetBeforeIsPrometheus(lhs: String, rhs: String, before: Bool) {
        #expect(Alert.labelSetBefore(labels(lhs), labels(rhs)) == before)
    }

    @Test func jobAndInstanceComeFirst() {
        let texts = ["z=1", "instance=b,z=1", "job=b", "job=a,instance=z", "job=a,instance=a,x=1"]
        let sorted = texts.map {
            Alert(
                labels: labels($0), startsAt: .epoch,
                updatedAt: .epoch)
        }.sorted(by: Alert.notificationOrder)
        #expect(
            sorted.map(\.labels)
                == ["job=a,instance=a,x=1", "job=a,instance=z", "job=b", "instance=b,z=1", "z=1"].map(labels))
    }
}
