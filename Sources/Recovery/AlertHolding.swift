/// What the ladder runner needs of the alert pipeline (`AlertPipeline.AlertRouter` provides it): hold an agent's
/// alerts while a run lasts, then drop the hold when the agent recovered or release the alerts to a person.
public protocol AlertHolding: Sendable {
    /// Holds every alert about `agent`: suppressed, nothing sent.
    func hold(agent: String)
    /// Ends the hold because the agent recovered: held alerts that resolve are never sent.
    func dropHold(agent: String)
    /// Ends the hold because the ladder gave up: the agent's firing alerts go to their receivers at once with
    /// the annotation `recovery` set to `annotation` (what was tried).
    func release(agent: String, annotation: String)
    /// After a restart of the exporter: `agent`'s ladder had given up (its hold was released) and the agent has
    /// not beaten since; its alerts carry `annotation` again, as they did before the restart.
    func noteReleased(agent: String, annotation: String)
}
