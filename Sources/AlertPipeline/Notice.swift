import Alerting
import Model

/// An event the exporter can announce as a notice (the `notices:` section's `events`).
public enum NoticeEvent: String, CaseIterable, Sendable, Comparable {
    /// An operator killed an agent.
    case agentKilled = "agent_killed"
    /// An operator resumed a killed agent.
    case agentResumed = "agent_resumed"
    /// A silence was created.
    case silenceCreated = "silence_created"
    /// A silence ended: it expired at its `endsAt` or was expired by hand.
    case silenceExpired = "silence_expired"
    /// Firing alerts were acknowledged.
    case ack

    public static func < (lhs: NoticeEvent, rhs: NoticeEvent) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The `notices:` section: which events go through the route tree as informational alerts, and to whom.
public struct NoticeSettings: Sendable, Equatable {
    /// The receiver of every notice (a route matching `alertname="HeartbeatExporterNotice"` placed first under
    /// the root); nil to route notices like any other alert.
    public var receiver: String?
    /// The events announced.
    public var events: Set<NoticeEvent>

    /// Creates the settings; every event by default.
    public init(receiver: String? = nil, events: Set<NoticeEvent> = Set(NoticeEvent.allCases)) {
        self.receiver = receiver
        self.events = events
    }
}

/// One event announced as a short-lived informational alert: `alertname="HeartbeatExporterNotice"`,
/// `notice="<event>"`, `severity="info"` and the labels naming what it is about; it fires until its first
/// notification is handed out and resolves then (``AlertRouter/announce(_:)``).
public struct Notice: Sendable, Equatable {
    /// The `alertname` of every notice.
    public static let alertname = "HeartbeatExporterNotice"

    /// What happened.
    public var event: NoticeEvent
    /// The labels naming what it is about (`agent`, `silence_id`, `acknowledgement_id`).
    public var labels: [String: String]
    /// Who did it, why, and a one-line summary.
    public var annotations: [String: String]

    /// Creates a notice.
    public init(event: NoticeEvent, labels: [String: String], annotations: [String: String]) {
        self.event = event
        self.labels = labels
        self.annotations = annotations
    }

    /// An agent killed (`agent_killed`) or resumed (`agent_resumed`) by `by`, for `reason`.
    public static func agent(_ agent: String, killed: Bool, by: String, reason: String) -> Notice {
        let verb = killed ? "killed" : "resumed"
        return Notice(
            event: killed ? .agentKilled : .agentResumed, labels: ["agent": agent],
            annotations: [
                "summary": "agent \(agent) \(verb)" + (by.isEmpty ? "" : " by \(by)"), "created_by": by,
                "comment": reason,
            ])
    }

    /// A silence created (`silence_created`) or ended (`silence_expired`).
    static func silence(_ silence: Silence, created: Bool) -> Notice {
        let matchers = "{" + silence.matchers.map(\.alertmanagerText).joined(separator: ", ") + "}"
        return Notice(
            event: created ? .silenceCreated : .silenceExpired, labels: ["silence_id": silence.id],
            annotations: [
                "summary": "silence of \(matchers) " + (created ? "created by \(silence.createdBy)" : "expired"),
                "created_by": silence.createdBy, "comment": silence.comment, "matchers": matchers,
            ])
    }

    /// Firing alerts acknowledged (`ack`).
    static func acknowledged(_ acknowledgement: Acknowledgement) -> Notice {
        let matchers = "{" + acknowledgement.matchers.map(\.alertmanagerText).joined(separator: ", ") + "}"
        let count = acknowledgement.alerts.count
        return Notice(
            event: .ack, labels: ["acknowledgement_id": acknowledgement.id],
            annotations: [
                "summary": "\(count) firing alert\(count == 1 ? "" : "s") of \(matchers) acknowledged by "
                    + acknowledgement.createdBy,
                "created_by": acknowledgement.createdBy, "comment": acknowledgement.comment, "matchers": matchers,
            ])
    }

    /// The firing alert that carries the notice at `now`.
    /// `2026-12-06T21:40:01.120Z`: RFC 3339 in UTC with exactly three decimals, so that text order is time order.
    static func label(_ time: Timestamp) -> String {
        let second = time.truncated(to: .seconds(1))
        let milliseconds = Int(time.milliseconds - second.milliseconds)
        let digits = String(milliseconds)
        return String(second.goRFC3339.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits
            + "Z"
    }

    func alert(at now: Timestamp) -> Alerting.Alert {
        // `at`, to the millisecond and of a fixed width, keeps two events alike (a kill, a resume, a kill again)
        // apart, and orders a group's notices by time (Alertmanager orders alerts by their labels).
        var labels = Labels([
            "alertname": Self.alertname, "notice": event.rawValue, "severity": "info", "at": Self.label(now),
        ])
        for (name, value) in self.labels where !value.isEmpty { labels = labels.setting(name, to: value) }
        var annotations = Labels.empty
        for (name, value) in self.annotations where !value.isEmpty {
            annotations = annotations.setting(name, to: value)
        }
        return Alerting.Alert(labels: labels, annotations: annotations, startsAt: now, updatedAt: now)
    }
}
