import Alerting
import Fleet
import Model
import PromQL

/// Why alerts are muted at one moment: active silences, inhibition among the current alerts, agents an
/// operator killed (DESIGN §9: every alert carrying a killed agent's `agent` label is suppressed), agents in an open
/// maintenance window, agents a recovery ladder holds (``RecoveryHolds``) and agents whose dependency is down
/// (``DependencyMuting``).
struct Muting {
    /// The prefix of the `silencedBy` entry that names a killed agent, as in `killed:order-7`.
    static let killedAgentPrefix = "killed:"
    /// The prefix of the `silencedBy` entry that names an agent in an open maintenance window: `maintenance:order-7`.
    static let maintenancePrefix = "maintenance:"

    let silences: SilenceStore
    let inhibition: Inhibition
    let registry: AgentRegistry
    let holds: RecoveryHolds
    let acknowledgements: AcknowledgementBook
    /// Who depends on whom and which root causes are down (``DependencyMuting``).
    var dependencies = DependencyMap.empty
    var dependencyMuting = DependencyMuting()
    let now: Timestamp

    init(
        silences: SilenceStore, inhibition: Inhibition, registry: AgentRegistry, holds: RecoveryHolds,
        acknowledgements: AcknowledgementBook = AcknowledgementBook(), at now: Timestamp
    ) {
        self.silences = silences
        self.inhibition = inhibition
        self.registry = registry
        self.holds = holds
        self.acknowledgements = acknowledgements
        self.now = now
    }

    /// The API v2 status of `alert`: suppressed when a silence or an inhibiting alert mutes it, its agent is
    /// killed (listed in `silencedBy` as `killed:<agent>`), in maintenance (`maintenance:<agent>`) or held by a
    /// recovery ladder (`recovery:<agent>`), or its dependency is down (`dependency:<root agent>`).
    func status(of alert: Alerting.Alert) -> AlertStatus {
        let labels = alert.labels
        var silencedBy = silences.silencedBy(labels, at: now)
        let agent = labels["agent"]
        // A notice about an agent is not the agent's alert: its kill or maintenance does not mute it.
        if !agent.isEmpty, labels["alertname"] != Notice.alertname, let record = registry.agent(named: agent) {
            if record.killed != nil { silencedBy.append(Self.killedAgentPrefix + agent) }
            if record.maintenance?.isOpen(at: now) == true { silencedBy.append(Self.maintenancePrefix + agent) }
        }
        if !agent.isEmpty, labels["alertname"] != Notice.alertname,
            let dependency = dependencyMuting.suppression(of: alert, map: dependencies, at: now)
        {
            silencedBy.append(dependency)
        }
        if let held = holds.suppression(of: alert, at: now) { silencedBy.append(held) }
        var status = AlertStatus(
            silencedBy: silencedBy, inhibitedBy: inhibition.inhibitedBy(labels).map { [$0.description] } ?? [])
        if !acknowledgements.entries.isEmpty { status.acknowledgedBy = acknowledgements.acknowledgement(of: alert) }
        return status
    }
}

extension Muting {
    /// Whether a notification leaves `alert` out. A kill, a maintenance window or a dependency down mutes an agent's
    /// pages, not the end of one already sent: a resolved alert that receivers were told fires (`wasNotifiedFiring`,
    /// asked only then) is sent. Silences, inhibition and recovery holds drop it, as Alertmanager drops a silenced
    /// alert.
    func mutesNotification(of alert: Alerting.Alert, wasNotifiedFiring: () -> Bool) -> Bool {
        let status = status(of: alert)
        guard status.isMuted else { return false }
        guard alert.isResolved(at: now), status.inhibitedBy.isEmpty,
            status.silencedBy.allSatisfy(Self.mutesTheAgent)
        else { return true }
        return !wasNotifiedFiring()
    }

    /// Whether a `silencedBy` entry mutes the alert because of its agent's state (killed, in maintenance, its
    /// dependency down), not by a silence or a recovery hold.
    private static func mutesTheAgent(_ entry: String) -> Bool {
        entry.hasPrefix(killedAgentPrefix) || entry.hasPrefix(maintenancePrefix)
            || entry.hasPrefix(DependencyLimits.silencedByPrefix)
    }
}

extension EpisodeMuting {
    /// What the `silencedBy` entries of an alert's status say, each kept apart: a kill (`killed:`), a maintenance
    /// window (`maintenance:`), a dependency down (`dependency:`) and, for any other entry (a silence's ID, a
    /// recovery hold), silenced.
    init(silencedBy: [String]) {
        self = []
        for entry in silencedBy {
            if entry.hasPrefix(Muting.killedAgentPrefix) {
                insert(.killed)
            } else if entry.hasPrefix(Muting.maintenancePrefix) {
                insert(.maintenance)
            } else if entry.hasPrefix(DependencyLimits.silencedByPrefix) {
                insert(.dependency)
            } else {
                insert(.silenced)
            }
        }
    }
}
