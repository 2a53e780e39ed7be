import JSON
import Model

/// The bodies of Alertmanager's API v2 that `amtool` reads, in Alertmanager 0.25's field order and
/// timestamp form (`2026-11-25T22:40:02.372Z`), each ending in a newline as Alertmanager's do.
public enum APIv2Encoding {
    /// One alert as `GettableAlert`.
    public static func writeAlert(_ alert: Alert, status: AlertStatus, receivers: [String], into json: inout JSONWriter)
    {
        json.beginObject()
        json.key("annotations")
        json.stringMap(alert.annotations.pairs)
        json.key("endsAt")
        json.string(apiTimestamp(alert.endsAt))
        json.key("fingerprint")
        json.string(alert.fingerprint.description)
        json.key("receivers")
        json.beginArray()
        for receiver in receivers { writeReceiver(receiver, into: &json) }
        json.endArray()
        json.key("startsAt")
        json.string(apiTimestamp(alert.startsAt))
        json.key("status")
        writeStatus(status, into: &json)
        json.key("updatedAt")
        json.string(apiTimestamp(alert.updatedAt))
        if !alert.generatorURL.isEmpty {
            json.key("generatorURL")
            json.string(alert.generatorURL)
        }
        json.key("labels")
        json.stringMap(alert.labels.pairs)
        json.endObject()
    }

    /// A list of `GettableAlert`s: each alert with its status and receivers.
    public static func alerts(_ entries: [(alert: Alert, status: AlertStatus, receivers: [String])]) -> [UInt8] {
        var json = JSONWriter.goStyle()
        json.beginArray()
        for entry in entries { writeAlert(entry.alert, status: entry.status, receivers: entry.receivers, into: &json) }
        json.endArray()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// `/api/v2/alerts/groups`: each group with its labels, receiver and listed alerts.
    public static func alertGroups(
        _ groups: [(group: AlertGroup, alerts: [(alert: Alert, status: AlertStatus, receivers: [String])])]
    )
        -> [UInt8]
    {
        var json = JSONWriter.goStyle()
        json.beginArray()
        for entry in groups {
            json.beginObject()
            json.key("alerts")
            json.beginArray()
            for item in entry.alerts {
                writeAlert(item.alert, status: item.status, receivers: item.receivers, into: &json)
            }
            json.endArray()
            json.key("labels")
            json.stringMap(entry.group.labels.pairs)
            json.key("receiver")
            writeReceiver(entry.group.receiver, into: &json)
            json.endObject()
        }
        json.endArray()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// One silence as `GettableSilence`, with its state at `time`.
    public static func writeSilence(_ silence: Silence, at time: Timestamp, into json: inout JSONWriter) {
        json.beginObject()
        json.key("id")
        json.string(silence.id)
        json.key("status")
        json.beginObject()
        json.key("state")
        json.string(silence.state(at: time).rawValue)
        json.endObject()
        json.key("updatedAt")
        json.string(apiTimestamp(silence.updatedAt))
        json.key("comment")
        json.string(silence.comment)
        json.key("createdBy")
        json.string(silence.createdBy)
        json.key("endsAt")
        json.string(apiTimestamp(silence.endsAt))
        json.key("matchers")
        json.beginArray()
        for matcher in silence.matchers { writeMatcher(matcher, into: &json) }
        json.endArray()
        json.key("startsAt")
        json.string(apiTimestamp(silence.startsAt))
        json.endObject()
    }

    /// `GET /api/v2/silence/{id}`.
    public static func silence(_ silence: Silence, at time: Timestamp) -> [UInt8] {
        var json = JSONWriter.goStyle()
        writeSilence(silence, at: time, into: &json)
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// `GET /api/v2/silences`.
    public static func silences(_ silences: [Silence], at time: Timestamp) -> [UInt8] {
        var json = JSONWriter.goStyle()
        json.beginArray()
        for silence in silences { writeSilence(silence, at: time, into: &json) }
        json.endArray()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// The answer to `POST /api/v2/silences`: `{"silenceID":"…"}`.
    public static func postedSilence(id: String) -> [UInt8] {
        var json = JSONWriter.goStyle()
        json.beginObject()
        json.key("silenceID")
        json.string(id)
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// A matcher as `{"isEqual","isRegex","name","value"}`.
    public static func writeMatcher(_ matcher: LabelMatcher, into json: inout JSONWriter) {
        json.beginObject()
        json.key("isEqual")
        json.bool(matcher.type.isEqual)
        json.key("isRegex")
        json.bool(matcher.type.isRegex)
        json.key("name")
        json.string(matcher.name)
        json.key("value")
        json.string(matcher.value)
        json.endObject()
    }

    private static func writeStatus(_ status: AlertStatus, into json: inout JSONWriter) {
        json.beginObject()
        if let acknowledgement = status.acknowledgedBy {
            json.key("acknowledgedBy")
            writeAcknowledgement(acknowledgement, into: &json)
        }
        json.key("inhibitedBy")
        json.stringArray(status.inhibitedBy)
        json.key("silencedBy")
        json.stringArray(status.silencedBy)
        json.key("state")
        json.string(status.state.rawValue)
        json.endObject()
    }

    /// `{"id", "matchers", "createdBy", "comment", "createdAt", "endsAt"?, "alerts"}`: an acknowledgement as
    /// `GET /api/v1/alerts/acknowledgements` lists it (`alerts`: how many firings it covers).
    public static func writeAcknowledgement(_ acknowledgement: Acknowledgement, into json: inout JSONWriter) {
        json.beginObject()
        json.key("id")
        json.string(acknowledgement.id)
        json.key("matchers")
        json.beginArray()
        for matcher in acknowledgement.matchers { writeMatcher(matcher, into: &json) }
        json.endArray()
        json.key("createdBy")
        json.string(acknowledgement.createdBy)
        json.key("comment")
        json.string(acknowledgement.comment)
        json.key("createdAt")
        json.string(apiTimestamp(acknowledgement.createdAt))
        if let endsAt = acknowledgement.endsAt {
            json.key("endsAt")
            json.string(apiTimestamp(endsAt))
        }
        json.key("alerts")
        json.number(Double(acknowledgement.alerts.count))
        json.endObject()
    }

    private static func writeReceiver(_ name: String, into json: inout JSONWriter) {
        json.beginObject()
        json.key("name")
        json.string(name)
        json.endObject()
    }

    /// API v2's timestamp form: milliseconds always, UTC; Go's zero time for nil.
    static func apiTimestamp(_ time: Timestamp?) -> String { (time ?? .goZero).rfc3339 }
}
