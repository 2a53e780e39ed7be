import JSON
import Model

/// The body Alertmanager's webhook notifier POSTs, version 4, byte for byte as Alertmanager 0.25
/// writes it (field order, Go's JSON escaping, timestamps, trailing newline).
public enum WebhookPayload {
    /// The JSON body for `notification`.
    /// - Parameters:
    ///   - maxAlerts: the most alerts to include (0: all); the rest are counted in `truncatedAlerts`.
    ///   - externalURL: the URL the exporter is reached at, without a trailing slash.
    public static func encode(_ notification: AlertNotification, maxAlerts: Int, externalURL: String) -> [UInt8] {
        let kept = maxAlerts > 0 ? Array(notification.alerts.prefix(maxAlerts)) : notification.alerts
        var json = JSONWriter.goStyle()
        json.beginObject()
        json.key("receiver")
        json.string(regexpQuoteMeta(notification.receiver))
        json.key("status")
        json.string(kept.contains { $0.endsAt == nil } ? "firing" : "resolved")
        json.key("alerts")
        json.beginArray()
        for alert in kept { writeAlert(alert, into: &json) }
        json.endArray()
        writeCommon(notification.groupLabels, kept, into: &json)
        json.key("externalURL")
        json.string(externalURL)
        json.key("version")
        json.string("4")
        json.key("groupKey")
        json.string(notification.groupKey)
        json.key("truncatedAlerts")
        json.int(notification.alerts.count - kept.count)
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    private static func writeAlert(_ alert: Alert, into json: inout JSONWriter) {
        json.beginObject()
        json.key("status")
        json.string(alert.endsAt == nil ? "firing" : "resolved")
        json.key("labels")
        json.stringMap(alert.labels.pairs)
        json.key("annotations")
        json.stringMap(alert.annotations.pairs)
        json.key("startsAt")
        json.string(alert.startsAt.goRFC3339)
        json.key("endsAt")
        json.string((alert.endsAt ?? .goZero).goRFC3339)
        json.key("generatorURL")
        json.string(alert.generatorURL)
        json.key("fingerprint")
        json.string(alert.fingerprint.description)
        json.endObject()
    }

    private static func writeCommon(_ groupLabels: Labels, _ alerts: [Alert], into json: inout JSONWriter) {
        var commonLabels = alerts.first?.labels.pairs ?? []
        var commonAnnotations = alerts.first?.annotations.pairs ?? []
        for alert in alerts.dropFirst() {
            commonLabels = commonLabels.filter { alert.labels[$0.0] == $0.1 }
            commonAnnotations = commonAnnotations.filter { alert.annotations[$0.0] == $0.1 }
        }
        json.key("groupLabels")
        json.stringMap(groupLabels.pairs)
        json.key("commonLabels")
        json.stringMap(commonLabels)
        json.key("commonAnnotations")
        json.stringMap(commonAnnotations)
    }

    /// Go's `regexp.QuoteMeta`, which Alertmanager applies to the receiver name.
    static func regexpQuoteMeta(_ text: String) -> String {
        var quoted = ""
        for character in text.unicodeScalars {
            if #"\.+*?()|[]{}^$"#.unicodeScalars.contains(character) { quoted += "\\" }
            quoted.unicodeScalars.append(character)
        }
        return quoted
    }
}

extension Labels {
    /// The labels as (name, value) pairs.
    var pairs: [(String, String)] { labels.map { ($0.name, $0.value) } }
}
