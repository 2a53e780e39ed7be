import Model

/// The parts of an agent's record that most agents never use: a job's schedule and runs, the operator's kill, stop
/// and maintenance window, a recovery under way. They take half of a record's bytes and are kept out of line
/// (``AgentRecord`` holds one reference, nil while all are empty), so a fleet of plain agents does not pay for them
/// in every record; ``AgentRecord`` exposes each as a property of its own.
struct AgentLifecycle: Sendable {
    var schedule: AgentSchedule?
    var scheduleDeadlines: ScheduleDeadlines?
    var openRun: OpenRun?
    var lastRun: FinishedRun?
    var killed: OperatorAction?
    var stopped: OperatorAction?
    var recovery: AgentRecovery?
    var maintenance: MaintenanceWindow?

    /// Whether nothing is set, so the record can drop its box.
    var isEmpty: Bool {
        schedule == nil && scheduleDeadlines == nil && openRun == nil && lastRun == nil && killed == nil
            && stopped == nil && recovery == nil && maintenance == nil
    }
}

/// A record's ``AgentLifecycle``, copied on write: records are values, copied into snapshots and between threads,
/// and a box is changed in place only while one record alone holds it.
///
/// `@unchecked Sendable`: `value` is written only through ``AgentRecord``'s setters, after
/// `isKnownUniquelyReferenced` said no other record (hence no other thread) holds the box.
final class AgentLifecycleBox: @unchecked Sendable {
    var value: AgentLifecycle

    init(_ value: AgentLifecycle) {
        self.value = value
    }
}

extension AgentRecord {
    /// The schedule the agent's beats last carried; kept until the agent is deleted.
    public var schedule: AgentSchedule? {
        get { lifecycleBox?.value.schedule }
        set { updateLifecycle { $0.schedule = newValue } }
    }

    /// The runs the schedule that judges the agent expects after its last beat, as last worked out (on each beat
    /// and sweep); nil when no schedule judges it. Kept in memory only.
    public internal(set) var scheduleDeadlines: ScheduleDeadlines? {
        get { lifecycleBox?.value.scheduleDeadlines }
        set { updateLifecycle { $0.scheduleDeadlines = newValue } }
    }

    /// The run of a batch job under way: between a start and the next beat with a task outcome.
    public var openRun: OpenRun? {
        get { lifecycleBox?.value.openRun }
        set { updateLifecycle { $0.openRun = newValue } }
    }

    /// The last finished run of a batch job (``AgentRegistry/ingest(_:at:)`` explains when a beat finishes one).
    public var lastRun: FinishedRun? {
        get { lifecycleBox?.value.lastRun }
        set { updateLifecycle { $0.lastRun = newValue } }
    }

    /// Set while an operator has the agent killed.
    public var killed: OperatorAction? {
        get { lifecycleBox?.value.killed }
        set { updateLifecycle { $0.killed = newValue } }
    }

    /// Set while the agent is deregistered.
    public var stopped: OperatorAction? {
        get { lifecycleBox?.value.stopped }
        set { updateLifecycle { $0.stopped = newValue } }
    }

    /// Set while a recovery ladder works on the agent (``AgentRegistry/beginRecovery(_:ladder:step:at:)``).
    /// Kept in memory only: the ladder's own storage restores it after a restart of the exporter.
    public var recovery: AgentRecovery? {
        get { lifecycleBox?.value.recovery }
        set { updateLifecycle { $0.recovery = newValue } }
    }

    /// The operator's latest maintenance window, kept after it ends: its end re-arms the thresholds
    /// (``silentSince``). The agent is in ``HealthState/maintenance`` while the window is open.
    public var maintenance: MaintenanceWindow? {
        get { lifecycleBox?.value.maintenance }
        set { updateLifecycle { $0.maintenance = newValue } }
    }

    /// Changes the lifecycle in place when this record alone holds its box, in a copy otherwise; drops the box once
    /// everything in it is empty.
    private mutating func updateLifecycle(_ change: (inout AgentLifecycle) -> Void) {
        guard let box = lifecycleBox else {
            var fresh = AgentLifecycle()
            change(&fresh)
            if !fresh.isEmpty { lifecycleBox = AgentLifecycleBox(fresh) }
            return
        }
        if !isKnownUniquelyReferenced(&lifecycleBox) { lifecycleBox = AgentLifecycleBox(box.value) }
        guard let owned = lifecycleBox else { return }
        change(&owned.value)
        if owned.value.isEmpty { lifecycleBox = nil }
    }
}
