import Cron
import Fleet
import JSON
import Model
import Testing

/// The beat's `schedule` object: what is accepted and each refusal, naming the field.
struct HeartbeatScheduleDecodingTests {
    func decode(_ json: String) throws -> Heartbeat {
        try HeartbeatDecoder().decode(try JSONParser.parse(Array(json.utf8)))
    }

    @Test func decodesCronTimeZoneAndGrace() throws {
        let beat = try decode(
            #"{"agent": "n", "schedule": {"cron": "0 3 * * *", "timezone": "Europe/Berlin", "grace_seconds": 3600}}"#)
        let schedule = try #require(beat.schedule)
        #expect(schedule.cron.description == "0 3 * * * (Europe/Berlin)")
        #expect(schedule.grace == .hours(1))
    }

    @Test func theZoneDefaultsToUTCAndTheGraceToAnHour() throws {
        let schedule = try #require(try decode(#"{"agent": "n", "schedule": {"cron": "*/15 * * * *"}}"#).schedule)
        #expect(schedule.cron.timeZone == .utc && schedule.grace == AgentSchedule.defaultGrace)
    }

    @Test(arguments: [
        (
            #"{"cron": "0 0 3 * * *"}"#, "schedule.cron",
            "a cron expression has 5 fields (minute hour day-of-month month day-of-week), got 6"
        ),
        (#"{"cron": "61 * * * *"}"#, "schedule.cron", "minute field: 61 is not in 0-59"),
        (
            #"{"cron": "0 3 * * FUNDAY"}"#, "schedule.cron",
            "day-of-week field: \"FUNDAY\" is not a number or a name (SUN-SAT)"
        ),
        (
            #"{"cron": "0 3 * * *", "timezone": "Mars/Olympus"}"#, "schedule.timezone",
            "unknown time zone \"Mars/Olympus\" (not in /usr/share/zoneinfo)"
        ),
        (
            #"{"cron": "0 3 * * *", "grace_seconds": 2678401}"#, "schedule.grace_seconds",
            "must be between 0 and 2678400"
        ),
        (#"{"cron": "0 3 * * *", "grace_seconds": -1}"#, "schedule.grace_seconds", "must be between 0 and 2678400"),
        (#"{"timezone": "UTC"}"#, "schedule.cron", "is required"),
        (#"{"cron": 3}"#, "schedule.cron", "must be a string"),
        (#""0 3 * * *""#, "schedule", "must be a JSON object"),
    ])
    func badSchedulesAreRefusedNamingTheField(schedule: String, field: String, rule: String) {
        #expect(throws: HeartbeatError(field: field, rule: rule)) {
            try decode(#"{"agent": "n", "schedule": "# + schedule + "}")
        }
    }
}
