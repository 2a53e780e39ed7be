import AlertPipeline
import Alerting
import YAMLConfig

/// The `notices:` section: events announced through the route tree as short-lived informational alerts
/// (`alertname="HeartbeatExporterNotice"`, `notice="<event>"`, `severity="info"`).
///
/// ```yaml
/// notices:
///   receiver: ops-chat          # optional: every notice goes to this receiver; else they are routed as any alert
///   events: [agent_killed, agent_resumed, silence_created, silence_expired, ack]   # default: all of them
/// ```
enum NoticesSection {
    /// Reads the section; `receivers` are the names the `receivers:` section defines.
    static func read(_ reader: YAMLNodeReader, receivers: Set<String>) throws(ConfigError) -> NoticeSettings {
        var settings = NoticeSettings()
        for (key, child) in try reader.mapping(allowed: ["receiver", "events"]) {
            switch key {
            case "receiver":
                let name = try child.string()
                guard receivers.contains(name) else {
                    throw child.error("undefined receiver \"\(name)\" used in notices")
                }
                settings.receiver = name
            default: settings.events = try events(child)
            }
        }
        return settings
    }

    private static func events(_ reader: YAMLNodeReader) throws(ConfigError) -> Set<NoticeEvent> {
        var events: Set<NoticeEvent> = []
        for item in try reader.sequence() {
            let name = try item.string()
            guard let event = NoticeEvent(rawValue: name) else {
                let allowed = NoticeEvent.allCases.map(\.rawValue).joined(separator: ", ")
                throw item.error("unknown event \"\(name)\" (allowed: \(allowed))")
            }
            guard events.insert(event).inserted else { throw item.error("event \"\(name)\" listed twice") }
        }
        return events
    }
}
