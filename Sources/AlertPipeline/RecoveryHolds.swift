import Alerting
import Model

/// The alerts a recovery ladder holds back while it restarts or replaces their agent (issue 14), and what
/// becomes of them when the hold ends.
///
/// While an agent is held, every alert whose `agent` label names it is suppressed (`silencedBy:
/// ["recovery:<agent>"]`): nothing about it is notified or forwarded. When the hold ends, an alert that was never
/// notified as firing stays muted while it is resolved, so neither its firing nor its resolution is ever sent; once
/// it is notified as firing (it was still firing after the hold), it is an alert like any other. When the hold ends
/// because the agent recovered, such an alert also stays muted until the rule engine sends it again after the end
/// (it then either resolved, or still fires for a reason of its own, not merely kept firing by `keep_firing_for`):
/// a group flushed between the agent's beat and the rules' next evaluation does not send an alert that the beat
/// has already made obsolete.
///
/// Alertmanager has no such notion: for a silenced alert, a resolution never notified can still go out with the
/// next notification of its group (send_resolved). A hold is stricter on purpose: the agent recovered, nobody was
/// told, nobody needs to be told it is over.
struct RecoveryHolds: Sendable {
    /// The prefix of the `silencedBy` entry that names a held agent, as in `recovery:order-7`.
    static let prefix = "recovery:"
    /// The annotation a released alert carries: what the ladder tried.
    static let annotation = "recovery"

    /// The agents held, each with the fingerprints of its alerts already notified as firing when the hold began.
    private(set) var held: [String: Set<Fingerprint>] = [:]
    /// Alerts of an ended hold never notified as firing, by fingerprint, with their agent and the `startsAt` of
    /// the activity held (a later activity of the same labels is not concerned).
    private(set) var unannounced: [Fingerprint: (agent: String, startsAt: Timestamp, quietUntilAfter: Timestamp?)] =
        [:]
    /// The `recovery` annotation of released alerts, by fingerprint, for the activity released: the rule engine's
    /// later resends of the same activity carry it too.
    private(set) var releaseNotes: [Fingerprint: (startsAt: Timestamp, text: String)] = [:]

    /// Agents whose ladder gave up, with when and what was tried: an alert about such an agent that starts firing
    /// later (its `for` had not elapsed at the release, or the run was refused before any rule fired) carries the
    /// same annotation and goes out at once too, until the agent is held again or beats again.
    private(set) var released: [String: (at: Timestamp, text: String)] = [:]

    var isEmpty: Bool { held.isEmpty && unannounced.isEmpty && releaseNotes.isEmpty && released.isEmpty }

    /// Whether `agent`'s alerts are held.
    func isHeld(_ agent: String) -> Bool { held[agent] != nil }

    /// Holds `agent`'s alerts; `announced` are those of its alerts already notified as firing. A second hold of
    /// the same agent changes nothing.
    mutating func hold(_ agent: String, announced: Set<Fingerprint>) {
        guard held[agent] == nil else { return }
        held[agent] = announced
        released[agent] = nil
    }

    /// Remembers that `agent`'s ladder gave up at `time` having tried `text`.
    mutating func released(_ agent: String, at time: Timestamp, text: String) {
        released[agent] = (time, text)
    }

    /// Forgets that `agent`'s ladder gave up: it beat again.
    mutating func forgetRelease(of agent: String) {
        released[agent] = nil
    }

    /// `alert` with its release note; a firing alert about an agent whose ladder gave up, started since, gets the
    /// note first here (`first` is then true: its groups are to flush at once).
    mutating func annotatingReleased(_ alert: Alerting.Alert, at now: Timestamp) -> (
        alert: Alerting.Alert, first: Bool
    ) {
        if releaseNotes[alert.fingerprint]?.startsAt == alert.startsAt { return (annotated(alert), false) }
        guard !released.isEmpty, let release = released[alert.labels["agent"]], alert.startsAt >= release.at,
            !alert.isResolved(at: now)
        else { return (alert, false) }
        note(alert, text: release.text)
        return (annotated(alert), true)
    }

    /// Ends the hold of `agent`; of `alerts` (the agent's alerts held), those never notified as firing are
    /// remembered as unannounced, muted even while firing until the rule engine refreshes them after
    /// `recoveredAt` when given (the agent recovered then). Returns false when the agent was not held.
    mutating func end(_ agent: String, alerts: [Alerting.Alert], recoveredAt: Timestamp? = nil) -> Bool {
        guard let announced = held.removeValue(forKey: agent) else { return false }
        for alert in alerts where !announced.contains(alert.fingerprint) {
            unannounced[alert.fingerprint] = (agent, alert.startsAt, recoveredAt)
        }
        return true
    }

    /// Remembers the `recovery` annotation of a released alert.
    mutating func note(_ alert: Alerting.Alert, text: String) {
        releaseNotes[alert.fingerprint] = (alert.startsAt, text)
    }

    /// `alert` with its release note, when it is the activity released.
    func annotated(_ alert: Alerting.Alert) -> Alerting.Alert {
        guard let note = releaseNotes[alert.fingerprint], note.startsAt == alert.startsAt else { return alert }
        var annotated = alert
        annotated.annotations = alert.annotations.setting(Self.annotation, to: note.text)
        return annotated
    }

    /// The `silencedBy` entry that mutes `alert` at `now`, if a hold does: its agent is held, or it is an
    /// unannounced alert of an ended hold that has resolved.
    func suppression(of alert: Alerting.Alert, at now: Timestamp) -> String? {
        let agent = alert.labels["agent"]
        if !agent.isEmpty, held[agent] != nil { return Self.prefix + agent }
        guard let quiet = unannounced[alert.fingerprint], quiet.startsAt == alert.startsAt else { return nil }
        let stale = quiet.quietUntilAfter.map { alert.updatedAt < $0 } ?? false
        guard alert.isResolved(at: now) || stale || alert.keptFiring else { return nil }
        return Self.prefix + quiet.agent
    }

    /// Forgets the unannounced mark of alerts just notified as firing: from now on their resolution is sent.
    mutating func announced(_ notifications: [AlertNotification]) {
        guard !unannounced.isEmpty else { return }
        for notification in notifications {
            for fingerprint in notification.firing { unannounced[fingerprint] = nil }
        }
    }

    /// Forgets the unannounced mark of firing alerts just forwarded to an Alertmanager, which then expects their
    /// resolution.
    mutating func forwarded(_ alerts: [Alerting.Alert], at now: Timestamp) {
        guard !unannounced.isEmpty else { return }
        for alert in alerts where !alert.isResolved(at: now) { unannounced[alert.fingerprint] = nil }
    }

    /// Forgets what concerns alerts no longer kept, or kept for a later activity.
    mutating func collectGarbage(keeping alerts: [Fingerprint: Alerting.Alert]) {
        unannounced = unannounced.filter { alerts[$0.key]?.startsAt == $0.value.startsAt }
        releaseNotes = releaseNotes.filter { alerts[$0.key]?.startsAt == $0.value.startsAt }
    }
}
