import Alerting
import Fleet
import Model

/// The alerts muted because their agent's dependency is down (issue 18: page about the agent others depend on, once,
/// and name it as the cause), and what becomes of them when it comes back.
///
/// While ``DependencyMap`` names a root cause for an agent, every alert whose `agent` label names it is suppressed
/// (`silencedBy: ["dependency:<root>"]`). When the root recovers, the agent's alerts stay muted until the rule engine
/// sends them again after the release (an alert kept from before may describe a silence the agent's own beat has
/// ended since); one that then still fires is notified at its group's next flush, even if it had been notified
/// before the root went down; one that resolved meanwhile stays muted. The root's own alerts carry the `dependents_affected` annotation (``annotated(_:map:)``).
struct DependencyMuting: Sendable {
    /// The annotation of a root cause's alerts: how many agents it mutes and the first few.
    static let annotation = "dependents_affected"

    /// The agents muted at the last tick, with their root cause.
    private(set) var muted: [String: String] = [:]
    /// Agents whose root cause recovered, with that root and when the release was seen.
    private(set) var released: [String: (root: String, at: Timestamp)] = [:]
    /// Alerts of released agents notified as firing, since their release or before their agent was muted (the
    /// notification log says so): their resolution is to be sent.
    private(set) var announced: Set<Fingerprint> = []
    /// The version of the map ``muted`` was taken from.
    private var mapVersion: Int?

    /// How long a released agent's alerts are watched for a refresh; the rule engine evaluates far more often.
    static let releaseWatch = PrometheusDuration.minutes(10)

    /// The `silencedBy` entry that mutes `alert` at `now`, if its agent's dependency is down, or was until the rule
    /// engine last sent it, or was while it resolved (nobody was told it fired: nobody needs to be told it ended).
    func suppression(of alert: Alerting.Alert, map: DependencyMap, at now: Timestamp) -> String? {
        let agent = alert.labels["agent"]
        guard !agent.isEmpty else { return nil }
        if let root = map.root(of: agent) { return DependencyLimits.silencedByPrefix + root }
        // Kept firing only by its rule's `keep_firing_for`: what made it fire is over, as the root's return ended
        // the agent's silence; it stays muted like one resolved.
        guard let release = released[agent], !announced.contains(alert.fingerprint),
            alert.updatedAt < release.at || alert.isResolved(at: now) || alert.keptFiring
        else { return nil }
        return DependencyLimits.silencedByPrefix + release.root
    }

    /// Remembers the released agents' alerts just notified as firing: from now on their resolution is sent.
    mutating func announced(_ notifications: [AlertNotification]) {
        guard !released.isEmpty else { return }
        for notification in notifications { announced.formUnion(notification.firing) }
    }

    /// Takes the map in force at `now`: agents no longer muted (their root recovered, or they left the graph: forgotten,
    /// deleted) are released. Returns the fingerprints of `alerts` (firing) of the agents released, for the dispatcher
    /// to notify at their groups' next flush. `notifiedFiring` says which of the released agents' alerts receivers
    /// were told fire (the notification log): somebody was told, so their resolution is sent.
    mutating func update(
        _ map: DependencyMap, alerts: [Fingerprint: Alerting.Alert], at now: Timestamp,
        notifiedFiring: (Set<Fingerprint>) -> Set<Fingerprint> = { _ in [] }
    ) -> Set<Fingerprint> {
        if !released.isEmpty { released = released.filter { now - $0.value.at < Self.releaseWatch } }
        if released.isEmpty { announced = [] }
        guard map.version != mapVersion else { return [] }
        mapVersion = map.version
        var releasedNow: Set<String> = []
        for (agent, root) in muted where map.roots[agent] == nil {
            released[agent] = (root, now)
            releasedNow.insert(agent)
        }
        for agent in map.roots.keys where released[agent] != nil { released[agent] = nil }
        muted = map.roots
        guard !releasedNow.isEmpty else { return [] }
        let own = alerts.values.filter { releasedNow.contains($0.labels["agent"]) }.map(\.fingerprint)
        announced.formUnion(notifiedFiring(Set(own)))
        return Set(
            alerts.values.filter {
                releasedNow.contains($0.labels["agent"]) && !$0.isResolved(at: now) && !$0.keptFiring
            }.map(\.fingerprint))
    }

    /// `alert` with the `dependents_affected` annotation when its agent is the root cause of others' muting.
    static func annotated(_ alert: Alerting.Alert, map: DependencyMap) -> Alerting.Alert {
        let agent = alert.labels["agent"]
        guard !agent.isEmpty, let summary = map.affectedSummary(of: agent) else { return alert }
        var annotated = alert
        annotated.annotations = alert.annotations.setting(annotation, to: summary)
        return annotated
    }
}
