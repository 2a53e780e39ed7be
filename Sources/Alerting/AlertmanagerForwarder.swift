import JSON
import Foundation
import Model

/// Sends alerts to a real Alertmanager's `POST /api/v2/alerts`, as Prometheus' notifier does.
public struct AlertmanagerForwarder: Sendable {
    /// The Alertmanager.
    public let target: AlertmanagerTarget
    private let transport: any HTTPTransport

    /// Creates a forwarder.
    public init(target: AlertmanagerTarget, transport: any HTTPTransport = URLSessionTransport()) {
        self.target = target
        self.transport = transport
    }

    /// Prometheus' `endsAt` for a firing alert sent at `now`: now + 4 × max(evaluation interval, resend delay).
    public static func validUntil(
        now: Timestamp, evaluationInterval: PrometheusDuration, resendDelay: PrometheusDuration = .minutes(1)
    ) -> Timestamp {
        now + 4 * max(evaluationInterval, resendDelay)
    }

    /// Prometheus' `needsSending`: a firing or resolved alert is (re)sent when it resolved after it was
    /// last sent, or when `resendDelay` (default 1m) has passed since then. Pending alerts are never sent.
    /// - Parameters:
    ///   - lastSentAt: when the alert was last sent, nil if never.
    ///   - resolvedAt: when it resolved, nil while firing.
    public static func needsSending(
        lastSentAt: Timestamp?, resolvedAt: Timestamp?, now: Timestamp,
        resendDelay: PrometheusDuration = .minutes(1)
    ) -> Bool {
        guard let lastSentAt else { return true }
        if let resolvedAt, resolvedAt > lastSentAt { return true }
        return lastSentAt + resendDelay < now
    }

    /// The body: a JSON array of `{labels, annotations, startsAt, endsAt, generatorURL}`.
    public static func body(_ alerts: [Alert]) -> [UInt8] {
        var json = JSONWriter.goStyle()
        json.beginArray()
        for alert in alerts {
            json.beginObject()
            json.key("annotations")
            json.stringMap(alert.annotations.pairs)
            if let endsAt = alert.endsAt {
                json.key("endsAt")
                json.string(APIv2Encoding.apiTimestamp(endsAt))
            }
            json.key("startsAt")
            json.string(APIv2Encoding.apiTimestamp(alert.startsAt))
            json.key("generatorURL")
            json.string(alert.generatorURL)
            json.key("labels")
            json.stringMap(alert.labels.pairs)
            json.endObject()
        }
        json.endArray()
        return json.bytes
    }

    /// One POST of `alerts`; classified like the webhook (2xx, 5xx/network retryable, else permanent).
    public func send(_ alerts: [Alert], timeout: PrometheusDuration) async -> NotifyResult {
        var headers = ["Content-Type": "application/json", "User-Agent": "heartbeat-exporter"]
        if let authorization = target.authorization { headers["Authorization"] = authorization.headerValue }
        do {
            let response = try await transport.post(
                target.alertsEndpoint, body: Self.body(alerts), headers: headers,
                timeout: min(timeout, target.timeout))
            return response.notifyResult()
        } catch {
            return .retryable(NotifyError("\(error)", redacting: target.url))
        }
    }

    /// Which alerts go to which Alertmanager: every alert whose routes lead to a receiver with
    /// `alertmanager_configs` and that `isMuted` does not suppress, batched per Alertmanager URL.
    public static func batches(
        _ alerts: [Alert], route: Route, receivers: [ReceiverConfig],
        isMuted: (Alert) -> Bool = { _ in false }
    ) -> [(target: AlertmanagerTarget, alerts: [Alert])] {
        let byName = Dictionary(receivers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var order: [URL] = []
        var batches: [URL: (target: AlertmanagerTarget, alerts: [Alert])] = [:]
        for alert in alerts where !isMuted(alert) {
            var sentTo: Set<URL> = []
            for node in route.match(alert.labels) {
                for target in byName[node.options.receiver]?.alertmanagerConfigs ?? []
                where sentTo.insert(target.url).inserted {
                    if batches[target.url] == nil { order.append(target.url) }
                    batches[target.url, default: (target, [])].alerts.append(alert)
                }
            }
        }
        return order.compactMap { batches[$0] }
    }
}
