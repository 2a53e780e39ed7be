import Foundation
import Model

/// POSTs the version 4 payload to a `webhook_configs` URL, with the configured bearer credentials.
public struct WebhookNotifier: Notifier {
    /// The integration's configuration.
    public let config: WebhookConfig
    /// The exporter's external URL, for the payload's `externalURL`.
    public let externalURL: String
    private let transport: any HTTPTransport

    /// Creates a notifier.
    public init(config: WebhookConfig, externalURL: String, transport: any HTTPTransport = URLSessionTransport()) {
        self.config = config
        self.externalURL = externalURL
        self.transport = transport
    }

    /// One POST; 2xx succeeds, 5xx and network errors are retryable, other answers permanent. The URL is
    /// redacted from errors.
    public func notify(_ notification: AlertNotification, timeout: PrometheusDuration) async -> NotifyResult {
        let body = WebhookPayload.encode(notification, maxAlerts: config.maxAlerts, externalURL: externalURL)
        var headers = ["Content-Type": "application/json", "User-Agent": "heartbeat-exporter"]
        if let authorization = config.authorization { headers["Authorization"] = authorization.headerValue }
        let limit = min(timeout, config.timeout ?? timeout)
        do {
            return try await transport.post(config.url, body: body, headers: headers, timeout: limit).notifyResult()
        } catch {
            return .retryable(NotifyError("\(error)", redacting: config.url))
        }
    }
}
