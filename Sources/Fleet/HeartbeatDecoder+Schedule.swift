import Cron
import JSON
import Model

extension HeartbeatDecoder {
    /// `schedule`: `{"cron": "0 3 * * *", "timezone": "Europe/Berlin", "grace_seconds": 3600}`. `cron` is
    /// required; `timezone` defaults to UTC and must be in the system's tz database; `grace_seconds` defaults to
    /// an hour and may be at most ``HeartbeatLimits/maxScheduleGraceSeconds``; `max_runtime_seconds` (optional, above 0,
    /// at most ``HeartbeatLimits/maxRuntimeSeconds``) is how long a run may stay open.
    func schedule(_ fields: FieldReader) throws(HeartbeatError) -> AgentSchedule? {
        guard let object = try fields.object("schedule") else { return nil }
        let fields = FieldReader(object: object, path: fields.path("schedule"))
        guard let text = try fields.text("cron", maxBytes: limits.maxCronBytes) else {
            throw HeartbeatError(field: fields.path("cron"), rule: "is required")
        }
        let expression: CronExpression
        do throws(CronError) {
            expression = try CronExpression(parsing: text)
        } catch {
            throw HeartbeatError(field: fields.path("cron"), rule: error.description)
        }
        let zone = try timeZone(fields)
        let grace = try fields.number("grace_seconds", in: 0...limits.maxScheduleGraceSeconds)
        return AgentSchedule(
            cron: CronSchedule(expression: expression, timeZone: zone),
            grace: grace.map { .seconds($0) } ?? AgentSchedule.defaultGrace, maxRuntime: try maxRuntime(fields))
    }

    private func timeZone(_ fields: FieldReader) throws(HeartbeatError) -> ScheduleTimeZone {
        guard let name = try fields.text("timezone", maxBytes: 64) else { return .utc }
        do throws(CronError) {
            return try ScheduleTimeZone(identifier: name)
        } catch {
            throw HeartbeatError(field: fields.path("timezone"), rule: error.description)
        }
    }
}
