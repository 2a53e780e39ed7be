/// The health of one agent, as the exporter judges it (DESIGN §6).
public enum HealthState: String, Sendable, CaseIterable, Codable {
    /// The last heartbeat is younger than the agent's `degraded_after` threshold.
    case healthy
    /// The last heartbeat is older than `degraded_after` but younger than `unreachable_after`.
    case degraded
    /// No heartbeat for longer than `unreachable_after`.
    case unreachable
    /// A recovery ladder is restarting or replacing the agent (a step's command runs or its wait lasts); its
    /// alerts are held meanwhile. Killed and stopped win over it; it wins over the age of the last beat.
    case recovering
    /// An operator killed the agent; it stays killed until resumed, whatever it sends.
    case killed
    /// The agent deregistered on purpose; it raises no alerts and is forgotten after `stopped_retention`.
    case stopped
    /// The configuration expects the agent (`fleet.expected`) and it has never beaten; listed from start-up, with
    /// the type, labels and schedule the configuration gives it. Its first beat makes it healthy. Killed and stopped
    /// win over it.
    case missing
    /// An operator put the agent in maintenance until a set time (``MaintenanceWindow``): it is never judged degraded
    /// or unreachable meanwhile, and its alerts are suppressed. When the window ends its thresholds count from the
    /// end. Killed and stopped win over it; it wins over recovering, missing and the age of the last beat.
    case maintenance

    /// Whether `agent_up` is 1: the agent is beating, even if late.
    public var isUp: Bool { self == .healthy || self == .degraded }
}
