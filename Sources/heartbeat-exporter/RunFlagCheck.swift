import ArgumentParser
import Fleet
import JSON

/// The reports `run` will send, checked before the command runs by the exporter's own heartbeat decoder
/// (``HeartbeatDecoder`` with its default limits), so that every flag the exporter would refuse is a usage error
/// naming the flag (`--schedule: minute field: 61 is not in 0-59`) rather than a warning after the job ran
/// unwatched. The exporter stays the judge of what it accepts (its limits may be configured tighter); this only
/// catches what can never be accepted.
enum RunFlagCheck {
    /// The beat's fields, most specific first, and the flag or argument of `run` that fills each.
    private static let flags: [(field: String, flag: String)] = [
        ("schedule.cron", "--schedule"), ("schedule.timezone", "--timezone"), ("schedule.grace_seconds", "--grace"),
        ("schedule", "--schedule"), ("max_runtime_seconds", "--timeout"), ("interval_seconds", "--interval"),
        ("agent_type", "--agent-type"), ("agent", "JOB"),
    ]

    /// Decodes the start (`start`, whose agent is `job`, as `POST /api/v1/agents/{job}/start` adds it) and the
    /// finish as the exporter would.
    /// - Throws: `ValidationError` naming the flag behind the first field the decoder refuses.
    static func check(start: [UInt8], finish: [UInt8], job: String) throws {
        let decoder = HeartbeatDecoder()
        for (body, isStart) in [(start, true), (finish, false)] {
            guard case .object(var object) = try? JSONParser.parse(body) else { continue }
            if isStart { object.members += [("agent", .string(job)), ("run", .string("start"))] }
            do throws(HeartbeatError) {
                _ = try decoder.decode(.object(object))
            } catch {
                throw ValidationError(message(for: error))
            }
        }
    }

    /// `--grace: must be between 0 and 2678400 (schedule.grace_seconds)`: the flag, the rule, and the field the
    /// exporter's documentation names.
    static func message(for error: HeartbeatError) -> String {
        let flag = flags.first { error.field == $0.field || error.field.hasPrefix($0.field + ".") }?.flag
        guard let flag else { return error.description }
        return "\(flag): \(error.rule) (\(error.field))"
    }
}
