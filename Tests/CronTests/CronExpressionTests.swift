import Foundation
import Cron
import Testing

struct CronExpressionTests {
    /// Each refusal names the field at fault, as the heartbeat's and the configuration's errors repeat it.
    @Test(arguments: [
        (
            "0 0 3 * * *",
            "a cron expression has 5 fields (minute hour day-of-month month day-of-week), got 6"
        ),
        ("0 3 * *", "a cron expression has 5 fields (minute hour day-of-month month day-of-week), got 4"),
        ("61 * * * *", "minute field: 61 is not in 0-59"),
        ("0 24 * * *", "hour field: 24 is not in 0-23"),
        ("0 0 0 * *", "day-of-month field: 0 is not in 1-31"),
        ("0 0 * 13 *", "month field: 13 is not in 1-12"),
        ("0 0 * * 8", "day-of-week field: 8 is not in 0-7"),
        ("0 0 * FOO *", "month field: \"FOO\" is not a number or a name (JAN-DEC)"),
        ("0 0 * * MON#2", "day-of-week field: \"MON#2\" is not a number or a name (SUN-SAT)"),
        ("*/0 * * * *", "minute field: step \"0\" must be a whole number above 0"),
        ("30-10 * * * *", "minute field: range \"30-10\" runs backwards"),
        ("1,,2 * * * *", "minute field: \"\" is not a number"),
        ("0 0 30 2 *", "day-of-month field: no selected month has a day 30"),
        (
            "@reboot",
            "@reboot names no time (it runs once when cron starts), so no run of it is ever due; give the schedule "
                + "its job really follows, or an interval"
        ),
        (
            "@fortnightly",
            "unknown macro \"@fortnightly\" (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, "
                + "@hourly, or five fields)"
        ),
        (
            "@daily 3",
            "unknown macro \"@daily 3\" (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, "
                + "@hourly, or five fields)"
        ),
    ])
    func badExpressionsAreRefusedNamingTheField(text: String, message: String) {
        #expect(throws: CronError.self) { try CronExpression(parsing: text) }
        do {
            _ = try CronExpression(parsing: text)
        } catch {
            #expect(error.description == message)
        }
    }

    /// crontab(5)'s macros, as healthchecks.io and cron accept them: each stands for its five fields and keeps its
    /// name as its text (any case, normalised).
    @Test(arguments: [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"), ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"), (" @DAILY ", "0 0 * * *"),
    ])
    func macrosStandForTheirFields(macro: String, fields: String) throws {
        let expression = try CronExpression(parsing: macro)
        let expanded = try CronExpression(parsing: fields)
        #expect(expression.text == macro.trimmingCharacters(in: .whitespaces).lowercased())
        #expect(expression.isFixedTime == expanded.isFixedTime)
        #expect(try CronExpression(parsing: expression.text) == expression)
        let schedule = CronSchedule(expression: expression, timeZone: .utc)
        let expandedSchedule = CronSchedule(expression: expanded, timeZone: .utc)
        var instant: Int64 = 1_798_761_600  // 2027-01-01T00:00:00Z
        for _ in 0..<5 {
            let next = schedule.nextRun(after: instant)
            #expect(next != nil && next == expandedSchedule.nextRun(after: instant))
            instant = next ?? instant + 1
        }
    }

    @Test func whitespaceIsNormalised() throws {
        #expect(try CronExpression(parsing: "  0\t3  * * *").text == "0 3 * * *")
    }

    @Test(arguments: [("0 3 * * *", true), ("*/15 * * * *", false), ("0 * * * *", false), ("0-30/10 2 * * *", true)])
    func fixedTimeMeansNeitherMinuteNorHourStartsWithAStar(text: String, fixed: Bool) throws {
        #expect(try CronExpression(parsing: text).isFixedTime == fixed)
    }
}

struct ScheduleTimeZoneTests {
    @Test(arguments: ["Nowhere/City", "../etc/passwd", "Europe/", "", "europe/berlin", "Europe"])
    func unknownZonesAreRefused(name: String) {
        #expect(
            throws: CronError(field: "timezone", message: "unknown time zone \"\(name)\" (not in /usr/share/zoneinfo)")
        ) {
            try ScheduleTimeZone(identifier: name)
        }
    }

    @Test func offsetsFollowDaylightSaving() throws {
        let berlin = try ScheduleTimeZone(identifier: "Europe/Berlin")
        #expect(berlin.offset(at: 1_774_745_999) == 3_600)  // 2026-03-29T00:59:59Z, 01:59:59 CET
        #expect(berlin.offset(at: 1_774_746_000) == 7_200)  // 01:00Z, 03:00 CEST
        #expect(try ScheduleTimeZone(identifier: "UTC").offset(at: 1_774_746_000) == 0)
    }
}
