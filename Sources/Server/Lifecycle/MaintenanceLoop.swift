import AlertPipeline
import Fleet
import Logging
import Model
import Recovery
import RuleManager

/// The maintenance work: notice age-based health changes, move recovery ladders on, and write fleet changes to
/// SQLite, every `intervalSeconds` (heartbeat state is thus committed well within a second); the alert history's
/// changes are written here too, off the rule and notification threads, and so are the agents' activity buckets
/// (``FleetActivity/flush(includeOpen:)``), off the heartbeat path. A change of state brings forward the rule
/// groups that read the state, so an alert about it does not wait for their next tick.
struct MaintenanceLoop: Sendable {
    let registry: AgentRegistry
    let persistence: FleetPersistence
    let recovery: LadderRunner
    let rules: RuleEngine
    let history: AlertHistory
    let activity: FleetActivity
    let clock: any WallClock
    let logger: Logger
    /// Whether this node leads its cluster (always, alone): only the leader moves recovery ladders on and stores the
    /// changes of state the sweep notices, as only it evaluates and notifies.
    var leads: @Sendable () -> Bool = { true }

    /// Notices the age-based changes of state at `now` and moves the recovery ladders on with them (on the leader),
    /// so that a ladder holds an agent's alerts before they fire. The rule engine calls it too, before it samples
    /// the fleet: a rule that reads the state then never sees a change the ladders have not seen (an agent that
    /// turned degraded between two sweeps would otherwise page before its ladder held the alert). Each change is
    /// noticed once, by whichever call comes first. Returns the changes noticed.
    @discardableResult
    func noticeChanges(at now: Timestamp) -> [Transition] {
        Self.noticeChanges(at: now, registry: registry, recovery: recovery, leading: leads())
    }

    /// ``noticeChanges(at:)`` from its parts: what the rule engine's hook holds (not the loop, which holds the
    /// engine: the engine keeping it would keep itself alive).
    @discardableResult
    static func noticeChanges(at now: Timestamp, registry: AgentRegistry, recovery: LadderRunner, leading: Bool)
        -> [Transition]
    {
        let transitions = registry.sweep(at: now, storingTransitions: leading)
        if leading { recovery.tick(transitions: transitions) }
        return transitions
    }

    /// One round: sweep, ladders, then commit. Called by a ``PeriodicThread``, or by tests with a manual clock.
    func tick() {
        let transitions = noticeChanges(at: clock.now())
        _ = registry.dependencyMap()  // worked out here, not under the alert router's lock
        if !transitions.isEmpty { rules.evaluateGroupsReadingStateEarly() }
        for agent in registry.drainForgotten() {
            logger.info(
                "forgotten",
                metadata: [
                    "agent": "\(agent.name)", "reason": "\(agent.reason.rawValue)", "at": "\(agent.at.goRFC3339)",
                ])
        }
        rules.endAlerts(ofAgents: registry.drainRemoved())
        do {
            try persistence.commit()
        } catch {
            logger.error("writing fleet changes failed; will retry", metadata: ["error": "\(error)"])
        }
        history.flush()
        for failure in activity.flush() {
            logger.error("writing agent activity failed; will retry", metadata: ["error": "\(failure)"])
        }
    }
}
