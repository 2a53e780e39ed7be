import HTTP
import JSON
import Model
import PromQL
import RuleManager
import Rules

/// `GET /api/v1/rules` and `GET /api/v1/alerts`, in Prometheus' shapes.
struct RulesAPI: Sendable {
    let engine: RuleEngine

    /// `GET /api/v1/rules[?type=alert|record]`.
    func rules(_ request: HTTPRequest) -> HTTPResponse {
        let type = request.query["type"]
        guard type == nil || type == "alert" || type == "record" else {
            return APIResponse.error(400, "parameter \"type\": must be alert or record, got \"\(type ?? "")\"")
        }
        let groups = engine.groups
        return APIResponse.success { writer in
            writer.beginObject()
            writer.key("groups")
            writer.beginArray()
            for group in groups { writeGroup(group, type: type, into: &writer) }
            writer.endArray()
            writer.endObject()
        }
    }

    /// `GET /api/v1/alerts`: every pending and firing alert.
    func alerts(_ request: HTTPRequest) -> HTTPResponse {
        let alerts = engine.groups.flatMap { $0.alertingRules.flatMap(\.activeAlerts) }.filter { $0.state != .inactive }
        return APIResponse.success { writer in
            writer.beginObject()
            writer.key("alerts")
            writer.beginArray()
            for alert in alerts { writeAlert(alert, into: &writer) }
            writer.endArray()
            writer.endObject()
        }
    }

    private func writeGroup(_ group: RuleGroup, type: String?, into writer: inout JSONWriter) {
        let last = group.lastEvaluation
        writer.beginObject()
        writer.key("name")
        writer.string(group.name)
        writer.key("file")
        writer.string(group.file)
        writer.key("rules")
        writer.beginArray()
        for rule in group.rules {
            switch rule {
            case .alerting(let alerting) where type != "record": writeAlerting(alerting, into: &writer)
            case .recording(let recording) where type != "alert": writeRecording(recording, into: &writer)
            default: break
            }
        }
        writer.endArray()
        writer.key("interval")
        writer.seconds(group.interval)
        writer.key("limit")
        writer.int(group.limit)
        writer.key("evaluationTime")
        writer.number(last.durationSeconds)
        writer.key("lastEvaluation")
        writer.string(Self.time(last.timestamp))
        writer.endObject()
    }

    private func writeAlerting(_ rule: AlertingRule, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("state")
        writer.string(rule.ruleState.rawValue)
        writer.key("name")
        writer.string(rule.name)
        writer.key("query")
        writer.string(rule.expression.description)
        writer.key("duration")
        writer.seconds(rule.holdDuration)
        writer.key("keepFiringFor")
        writer.seconds(rule.keepFiringFor)
        Self.writeLabels("labels", rule.labels, into: &writer)
        Self.writeLabels("annotations", rule.annotations, into: &writer)
        writer.key("alerts")
        writer.beginArray()
        for alert in rule.activeAlerts where alert.state != .inactive { writeAlert(alert, into: &writer) }
        writer.endArray()
        writeStatus(rule.status, type: "alerting", into: &writer)
        writer.endObject()
    }

    private func writeRecording(_ rule: RecordingRule, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("name")
        writer.string(rule.name)
        writer.key("query")
        writer.string(rule.expression.description)
        Self.writeLabels("labels", rule.labels, into: &writer)
        writeStatus(rule.status, type: "recording", into: &writer)
        writer.endObject()
    }

    private func writeStatus(_ status: RuleStatus, type: String, into writer: inout JSONWriter) {
        writer.key("health")
        writer.string(status.health.rawValue)
        writer.key("lastError")
        writer.string(status.lastError ?? "")
        writer.key("evaluationTime")
        writer.number(status.evaluationSeconds)
        writer.key("lastEvaluation")
        writer.string(Self.time(status.lastEvaluation))
        writer.key("type")
        writer.string(type)
    }

    private func writeAlert(_ alert: Alert, into writer: inout JSONWriter) {
        writer.beginObject()
        Self.writeLabels("labels", alert.labels.labels, into: &writer)
        Self.writeLabels("annotations", alert.annotations.labels, into: &writer)
        writer.key("state")
        writer.string(alert.state.rawValue)
        writer.key("activeAt")
        writer.string(Self.time(alert.activeAt))
        if let since = alert.keepFiringSince {
            writer.key("keepFiringSince")
            writer.string(Self.time(since))
        }
        writer.key("value")
        writer.string(GoFloat.shortestExponential(alert.value))
        writer.endObject()
    }

    private static func writeLabels(_ key: String, _ labels: [Label], into writer: inout JSONWriter) {
        writer.key(key)
        writer.beginObject()
        for label in labels {
            writer.key(label.name)
            writer.string(label.value)
        }
        writer.endObject()
    }

    /// RFC 3339 with milliseconds; Go's zero time (`0001-01-01T00:00:00Z`) when never.
    static func time(_ time: Timestamp?) -> String {
        time?.rfc3339 ?? Timestamp.goZero.goRFC3339
    }
}
