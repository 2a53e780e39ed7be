import Alerting
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
    import Model
#endif
import PromQL
import Testing

struct ForwardingTests {
    static let yaml = """
        route:
          receiver: local
          routes:
            - matchers: [team=ops]
              receiver: both
              continue: true
            - matchers: [team=~"ops|dev"]
              receiver: am-two
        receivers:
          - name: local
            webhook_configs: [{url: 'http://127.0.0.1:1/hook'}]
          - name: both
            alertmanager_configs: [{url: 'http://127.0.0.1:9093'}, {url: 'http://127.0.0.1:9094'}]
          - name: am-two
            alertmanager_configs: [{url: 'http://127.0.0.1:9094'}]
        """

    @Test func batchesAlertsPerAlertmanagerOnce() throws {
        let config = try #require(try alertingConfig(Self.yaml))
        let alerts = ["team=ops,a=1", "team=dev,a=2", "team=none,a=3", "team=ops,a=4,agent=killed"].map {
            Alert(labels: labels($0), startsAt: .epoch, updatedAt: .epoch)
        }
        let batches = AlertmanagerForwarder.batches(
            alerts, route: Route(config.route), receivers: config.receivers,
            isMuted: { $0.labels["agent"] == "killed" })
        #expect(batches.map(\.target.url.absoluteString) == ["http://127.0.0.1:9093", "http://127.0.0.1:9094"])
        #expect(batches.map { $0.alerts.map { $0.labels["a"] } } == [["1"], ["1", "2"]])
    }

    @Test func endsAtIsFourTimesTheLongerOfEvaluationIntervalAndResendDelay() {
        let now = Timestamp(seconds: 1000)
        #expect(AlertmanagerForwarder.validUntil(now: now, evaluationInterval: .seconds(15)) == now + .seconds(240))
        #expect(AlertmanagerForwarder.validUntil(now: now, evaluationInterval: .minutes(2)) == now + .seconds(480))
    }

    @Test(arguments: [
        (nil as Double?, nil as Double?, 100.0, true),  // never sent
        (100, nil, 130, false),  // within the resend delay
        (100, nil, 160, false),  // exactly one delay later: not yet (strictly after)
        (100, nil, 161, true),
        (100, 120, 121, true),  // resolved since the last send
        (130, 120, 140, false),  // resolution already sent
    ])
    func resendsAsPrometheus(lastSentAt: Double?, resolvedAt: Double?, now: Double, expected: Bool) {
        let time = { (seconds: Double) in Timestamp(seconds: seconds) ?? .epoch }
        #expect(
            AlertmanagerForwarder.needsSending(
                lastSentAt: lastSentAt.map(time), resolvedAt: resolvedAt.map(time),
                now: time(now)) == expected)
    }

    @Test func bodyIsAnArrayOfPostableAlerts() throws {
        let alert = Alert(
            labels: labels("alertname=Down,agent=a"), annotations: Labels(["summary": "down"]),
            startsAt: at("2026-11-25T22:00:00Z"), endsAt: at("2026-11-25T22:04:00Z"),
            generatorURL: "http://hx:9747/", updatedAt: .epoch)
        let expected =
            #"[{"annotations":{"summary":"down"},"endsAt":"2026-11-25T22:04:00.000Z","startsAt":"2026-11-25T22:00:00.000Z","generatorURL":"http://hx:9747/","labels":{"agent":"a","alertname":"Down"}}]"#
        #expect(String(decoding: AlertmanagerForwarder.body([alert]), as: UTF8.self) == expected)
    }
}
