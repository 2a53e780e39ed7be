import Model

/// How a ladder step's action ended, as the `result` label of `heartbeat_exporter_recovery_steps_total`.
public enum StepOutcome: String, Sendable, Equatable, CaseIterable {
    /// The command exited 0, or the webhook answered 2xx.
    case success
    /// The command exited non-zero, was killed by a signal or could not start; the webhook answered with an
    /// error or could not be reached.
    case failure
    /// The command or the webhook did not finish within the step's timeout.
    case timeout
}

/// What the ladder keeps of a step's action, whichever kind it was: ``CommandResult`` or ``WebhookStepResult``.
public protocol StepResult: Sendable {
    /// For `heartbeat_exporter_recovery_steps_total{result}`.
    var outcome: StepOutcome { get }
    /// A short line for the alert's `recovery` annotation (`restart: exit 1 after 0.4 s; replace: 503 twice`,
    /// the ladder adding the step's name) and the history.
    var summary: String { get }
}

/// Seconds for a person: `0.4 s` below ten seconds (one decimal), `30 s` from ten on.
func spokenSeconds(_ span: PrometheusDuration) -> String {
    let milliseconds = max(0, span.milliseconds)
    if milliseconds >= 10_000 || milliseconds % 1000 == 0 { return "\((milliseconds + 500) / 1000) s" }
    let tenths = (milliseconds + 50) / 100
    return "\(tenths / 10).\(tenths % 10) s"
}
