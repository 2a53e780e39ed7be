import Foundation
import Model
import YAMLConfig

/// A `receivers:` entry: a name and the integrations notified for it.
public struct ReceiverConfig: Sendable, Equatable {
    /// The unique name routes refer to.
    public var name: String
    /// `webhook_configs`, in order.
    public var webhookConfigs: [WebhookConfig] = []
    /// `alertmanager_configs`: Alertmanagers alerts are forwarded to, in order.
    public var alertmanagerConfigs: [AlertmanagerTarget] = []

    /// Creates a receiver.
    public init(name: String, webhookConfigs: [WebhookConfig] = [], alertmanagerConfigs: [AlertmanagerTarget] = []) {
        self.name = name
        self.webhookConfigs = webhookConfigs
        self.alertmanagerConfigs = alertmanagerConfigs
    }

    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> ReceiverConfig {
        var receiver = ReceiverConfig(name: "")
        for (key, child) in try reader.mapping(allowed: ["name", "webhook_configs", "alertmanager_configs"]) {
            switch key {
            case "name": receiver.name = try child.string()
            case "webhook_configs":
                receiver.webhookConfigs = try child.sequence().map { item throws(ConfigError) in
                    try WebhookConfig.read(item)
                }
            default:
                receiver.alertmanagerConfigs = try child.sequence().map { item throws(ConfigError) in
                    try AlertmanagerTarget.read(item)
                }
            }
        }
        if receiver.name.isEmpty { throw reader.error("missing name in receiver") }
        return receiver
    }
}

/// `http_config.authorization`: the `Authorization` header sent with each request.
public struct HTTPAuthorization: Sendable, Equatable {
    /// The scheme, `Bearer` unless configured.
    public var type = "Bearer"
    /// The credentials after the scheme.
    public var credentials: String

    /// Creates an authorization.
    public init(type: String = "Bearer", credentials: String) {
        self.type = type
        self.credentials = credentials
    }

    /// The header value: `Bearer <credentials>`.
    public var headerValue: String { "\(type) \(credentials)" }

    static func readHTTPConfig(_ reader: YAMLNodeReader) throws(ConfigError) -> HTTPAuthorization? {
        var authorization: HTTPAuthorization?
        for (_, child) in try reader.mapping(allowed: ["authorization"]) {
            var value = HTTPAuthorization(credentials: "")
            for (key, field) in try child.mapping(allowed: ["type", "credentials"]) {
                if key == "type" { value.type = try field.string() } else { value.credentials = try field.string() }
            }
            if value.type.lowercased() == "basic" {
                throw child.error("authorization type cannot be set to \"basic\", use \"basic_auth\" instead")
            }
            authorization = value
        }
        return authorization
    }
}

/// A `webhook_configs` entry.
public struct WebhookConfig: Sendable, Equatable {
    /// Where the payload is POSTed.
    public var url: URL
    /// Whether resolved alerts are sent (default true).
    public var sendResolved = true
    /// The most alerts one payload carries; 0 for no limit. The rest are counted in `truncatedAlerts`.
    public var maxAlerts = 0
    /// The request timeout; nil for none beyond the retry deadline.
    public var timeout: PrometheusDuration?
    /// The `Authorization` header.
    public var authorization: HTTPAuthorization?

    /// Creates a webhook configuration.
    public init(
        url: URL, sendResolved: Bool = true, maxAlerts: Int = 0, timeout: PrometheusDuration? = nil,
        authorization: HTTPAuthorization? = nil
    ) {
        self.url = url
        self.sendResolved = sendResolved
        self.maxAlerts = maxAlerts
        self.timeout = timeout
        self.authorization = authorization
    }

    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> WebhookConfig {
        var config = WebhookConfig(url: URL(fileURLWithPath: "/"))
        var url: URL?
        let keys: Set<String> = ["url", "send_resolved", "max_alerts", "timeout", "http_config"]
        for (key, child) in try reader.mapping(allowed: keys) {
            switch key {
            case "url": url = try child.httpURL(what: "webhook")
            case "send_resolved": config.sendResolved = try child.bool()
            case "max_alerts": config.maxAlerts = try child.count()
            case "timeout": config.timeout = try child.duration()
            default: config.authorization = try HTTPAuthorization.readHTTPConfig(child)
            }
        }
        guard let url else { throw reader.error("missing URL in webhook config") }
        config.url = url
        return config
    }
}

/// An `alertmanager_configs` entry: a real Alertmanager whose `POST /api/v2/alerts` receives the alerts.
public struct AlertmanagerTarget: Sendable, Equatable {
    /// The Alertmanager's base URL, such as `http://127.0.0.1:9093`.
    public var url: URL
    /// The request timeout (Prometheus' default 10s).
    public var timeout = PrometheusDuration.seconds(10)
    /// The `Authorization` header.
    public var authorization: HTTPAuthorization?

    /// Creates a target.
    public init(url: URL, timeout: PrometheusDuration = .seconds(10), authorization: HTTPAuthorization? = nil) {
        self.url = url
        self.timeout = timeout
        self.authorization = authorization
    }

    /// `<url>/api/v2/alerts`.
    public var alertsEndpoint: URL {
        url.appendingPathComponent("api").appendingPathComponent("v2").appendingPathComponent("alerts")
    }

    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> AlertmanagerTarget {
        var target = AlertmanagerTarget(url: URL(fileURLWithPath: "/"))
        var url: URL?
        for (key, child) in try reader.mapping(allowed: ["url", "timeout", "http_config"]) {
            switch key {
            case "url": url = try child.httpURL(what: "alertmanager")
            case "timeout": target.timeout = try child.duration()
            default: target.authorization = try HTTPAuthorization.readHTTPConfig(child)
            }
        }
        guard let url else { throw reader.error("missing URL in alertmanager config") }
        target.url = url
        return target
    }
}

extension YAMLNodeReader {
    /// An absolute http or https URL with a host (a receiver's or a recovery webhook step's `url`).
    /// - Parameter what: what the URL is for, in the message when it has no scheme (`webhook`).
    public func httpURL(what: String) throws(ConfigError) -> URL {
        let text = try string()
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
            throw error("scheme required for \(what) url")
        }
        guard scheme == "http" || scheme == "https" else { throw error("unsupported scheme \"\(scheme)\" for URL") }
        guard let host = url.host, !host.isEmpty else { throw error("missing host for URL") }
        return url
    }
}
