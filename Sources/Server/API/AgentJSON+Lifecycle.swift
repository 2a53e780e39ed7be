import Fleet
import JSON
import Model

extension AgentJSON {
    /// `maintenance` (the latest window: `starts_at`, `until`, `reason`, `by`, and `open` at `now`; null when the
    /// agent never had one), `ephemeral`, and `grace_seconds` (the latest beat's, null when it asked for none).
    static func lifecycle(_ record: AgentRecord, at now: Timestamp, _ writer: inout JSONWriter) {
        writer.key("maintenance")
        if let window = record.maintenance {
            writer.beginObject()
            time("starts_at", window.startsAt, &writer)
            time("until", window.until, &writer)
            optional("reason", window.reason, &writer)
            optional("by", window.by, &writer)
            writer.key("open")
            writer.bool(window.isOpen(at: now))
            writer.endObject()
        } else {
            writer.null()
        }
        writer.key("ephemeral")
        writer.bool(record.ephemeral)
        writer.key("grace_seconds")
        if let grace = record.beatGrace { writer.seconds(grace) } else { writer.null() }
    }

    /// The task streak inside `metrics`, once the agent reported a task (as `/metrics` shows it): `consecutive_failures`,
    /// and when known `last_success`, `last_failure` and `last_task_duration_seconds`.
    static func streak(_ streak: TaskStreak, _ writer: inout JSONWriter) {
        guard streak.lastSuccessAt != nil || streak.lastFailureAt != nil else { return }
        number("consecutive_failures", streak.consecutiveFailures, &writer)
        if let at = streak.lastSuccessAt { time("last_success", at, &writer) }
        if let at = streak.lastFailureAt { time("last_failure", at, &writer) }
        if let seconds = streak.lastTaskDurationSeconds { number("last_task_duration_seconds", seconds, &writer) }
    }
}
