import Alerting
import JSON
import Model

/// What a webhook step tells the service it calls: which agent to act on, why, and what was tried before.
///
/// Written as JSON (keys in this order, Go's escaping, a trailing newline, as the receivers' payload):
/// ```json
/// {"version":"1","agent":"order-7","labels":{"agent":"order-7","agent_type":"worker","host":"h1"},
///  "ladder":"workers","step":"replace","reason":"unreachable","startedAt":"2026-01-01T00:00:00Z",
///  "tried":["restart: exit 1 after 0.4 s"]}
/// ```
public struct RecoveryWebhookBody: Sendable, Equatable {
    /// The agent's name.
    public var agent: String
    /// The agent's labels: `agent`, `agent_type`, `host` and its own labels.
    public var labels: Labels
    /// The ladder's name.
    public var ladder: String
    /// The step's name.
    public var step: String
    /// Why the ladder runs: the agent's state that started it (`unreachable`, `degraded`).
    public var reason: String
    /// When the run started (the agent entered the trigger state).
    public var startedAt: Timestamp
    /// The steps tried before this one in the run, `name: summary` each (`restart: exit 1 after 0.4 s`).
    public var tried: [String]

    /// A body with every field given.
    public init(
        agent: String, labels: Labels, ladder: String, step: String, reason: String, startedAt: Timestamp,
        tried: [String] = []
    ) {
        self.agent = agent
        self.labels = labels
        self.ladder = ladder
        self.step = step
        self.reason = reason
        self.startedAt = startedAt
        self.tried = tried
    }

    /// The JSON the step POSTs.
    public func encoded() -> [UInt8] {
        var json = JSONWriter.goStyle()
        json.beginObject()
        json.key("version")
        json.string("1")
        json.key("agent")
        json.string(agent)
        json.key("labels")
        json.stringMap(labels.labels.map { ($0.name, $0.value) })
        for (key, value) in [
            ("ladder", ladder), ("step", step), ("reason", reason), ("startedAt", startedAt.goRFC3339),
        ] {
            json.key(key)
            json.string(value)
        }
        json.key("tried")
        json.stringArray(tried)
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }
}
