import Cron
import Foundation
import Testing

/// Next runs against a table whose expected values come from healthchecks.io's cronsim 2.8 (the library its
/// checks use), run on the same expressions, zones and start instants.
///
/// Beyond this table, 4,000 random expressions started around daylight-saving changes in seven zones were checked
/// against cronsim once: the only differences were in Australia/Lord_Howe's half-hour change, where cronsim's
/// hour step lands on :30 and skips a matching :00 that the wall clock does show.
struct CronScheduleTests {
    static let table: [(cron: String, zone: String, after: String, next: String)] = [
        // A day field starting with * makes both day fields apply; otherwise either does.
        ("0 0 */2 * MON", "UTC", "2026-12-08T00:00:00Z", "2026-12-21T00:00:00Z"),
        ("0 0 1,15 * MON", "UTC", "2026-12-08T00:00:00Z", "2026-12-14T00:00:00Z"),
        ("0 0 28-31 2 *", "UTC", "2027-02-28T00:00:00Z", "2028-02-28T00:00:00Z"),
        // Chatham's fall-back repeats 02:45-03:45; a fixed time in it runs at the first pass (+13:45).
        ("30 2 * * *", "Pacific/Chatham", "2026-04-04T10:00:00Z", "2026-04-04T12:45:00Z"),
        // Europe/Berlin, spring forward on 2026-03-29 (02:00 CET → 03:00 CEST): a fixed time in the gap runs at 03:00.
        ("0 3 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z"),
        ("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z"),
        ("30 2 * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"),
        // Nothing in the gap for a wildcard either: 01:50 CET, then 03:00 CEST.
        ("*/15 * * * *", "Europe/Berlin", "2026-03-29T00:50:00Z", "2026-03-29T01:00:00Z"),
        // Europe/Berlin, fall back on 2026-10-25 (03:00 CEST → 02:00 CET): a fixed time runs once, wildcards twice.
        ("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z"),
        ("30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
        ("*/30 * * * *", "Europe/Berlin", "2026-10-25T00:40:00Z", "2026-10-25T01:00:00Z"),
        ("*/30 * * * *", "Europe/Berlin", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z"),
        // America/New_York, fall back on 2026-11-01 (02:00 EDT → 01:00 EST), then spring forward on 2026-03-08.
        ("0 * * * *", "America/New_York", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z"),
        ("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", "2026-11-01T05:30:00Z"),
        ("30 1 * * *", "America/New_York", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"),
        ("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", "2026-03-08T07:00:00Z"),
        ("0 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", "2026-03-08T07:00:00Z"),
        ("15 * * * *", "America/New_York", "2026-03-08T06:30:00Z", "2026-03-08T07:15:00Z"),
        // Month ends, leap days, ranges with steps, names, lists, 7 for Sunday, */15, year end.
        ("0 0 31 * *", "UTC", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00Z"),
        ("0 12 29 2 *", "UTC", "2026-03-01T00:00:00Z", "2028-02-29T12:00:00Z"),
        ("0 9-17/4 * * MON-FRI", "UTC", "2026-12-04T18:00:00Z", "2026-12-07T09:00:00Z"),
        ("0 0 1,15 * SUN", "UTC", "2026-12-02T00:00:00Z", "2026-12-06T00:00:00Z"),
        ("0 0 1,15 * SUN", "UTC", "2026-12-06T00:00:00Z", "2026-12-13T00:00:00Z"),
        ("0 0 * jan,JUL *", "UTC", "2026-02-01T00:00:00Z", "2026-07-01T00:00:00Z"),
        ("5/20 * * * *", "UTC", "2026-12-06T10:46:00Z", "2026-12-06T11:05:00Z"),
        ("0 0 1 1 *", "UTC", "2026-12-31T23:59:00Z", "2027-01-01T00:00:00Z"),
        ("0 0 * * 7", "UTC", "2026-12-01T00:00:00Z", "2026-12-06T00:00:00Z"),
        ("*/15 * * * *", "UTC", "2026-12-06T10:45:00Z", "2026-12-06T11:00:00Z"),
        ("0 0 */10 * *", "UTC", "2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z"),
        ("59 23 30 * *", "Europe/Berlin", "2026-02-01T00:00:00Z", "2026-03-30T21:59:00Z"),
        ("0 3 * * *", "Europe/Berlin", "2026-12-31T23:00:00Z", "2027-01-01T02:00:00Z"),
        // Macros: worked out by hand from the five fields crontab(5) gives each (not from cronsim): @daily at local
        // midnight, also across the spring-forward night; @weekly on Sunday.
        ("@daily", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-28T23:00:00Z"),
        ("@midnight", "Europe/Berlin", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"),
        ("@hourly", "UTC", "2026-12-06T10:45:00Z", "2026-12-06T11:00:00Z"),
        ("@weekly", "UTC", "2026-12-01T00:00:00Z", "2026-12-06T00:00:00Z"),
        ("@monthly", "UTC", "2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z"),
        ("@yearly", "UTC", "2026-12-06T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("@annually", "America/New_York", "2026-12-06T00:00:00Z", "2027-01-01T05:00:00Z"),
    ]

    @Test(arguments: table)
    func nextRunMatchesHealthchecks(_ row: (cron: String, zone: String, after: String, next: String)) throws {
        let schedule = CronSchedule(
            expression: try CronExpression(parsing: row.cron), timeZone: try ScheduleTimeZone(identifier: row.zone))
        #expect(schedule.nextRun(after: try Self.unix(row.after)).map(Self.text) == row.next)
    }

    /// The repeated hour of a fall-back night: a fixed-time job that already ran at the first 02:50 (CEST) is
    /// not due again at the second (CET), nor at the first one, which is past: cronsim would answer that past
    /// instant; the next run is the next day's.
    @Test func aFixedTimeAlreadyPassedInTheRepeatedHourIsNotDueAgain() throws {
        let schedule = CronSchedule(
            expression: try CronExpression(parsing: "50 2 * * *"),
            timeZone: try ScheduleTimeZone(identifier: "Europe/Berlin"))
        #expect(schedule.nextRun(after: try Self.unix("2026-10-25T01:10:00Z")).map(Self.text) == "2026-10-26T01:50:00Z")
    }

    /// Successive runs of a daily job across both daylight-saving nights of a year keep their wall-clock time.
    @Test func aDailyJobKeepsItsWallClockTimeThroughTheYear() throws {
        let schedule = CronSchedule(
            expression: try CronExpression(parsing: "0 3 * * *"),
            timeZone: try ScheduleTimeZone(identifier: "America/New_York"))
        var instant = try Self.unix("2026-01-01T00:00:00Z")
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        for _ in 0..<365 {
            let next = try #require(schedule.nextRun(after: instant))
            let date = Date(timeIntervalSince1970: Double(next))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            #expect(calendar.component(.hour, from: date) == 3 && calendar.component(.minute, from: date) == 0)
            #expect(next - instant <= 25 * 3_600)
            instant = next
        }
    }

    static func unix(_ text: String) throws -> Int64 {
        let date = try #require(ISO8601DateFormatter().date(from: text))
        return Int64(date.timeIntervalSince1970)
    }

    static func text(_ instant: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(instant)))
    }
}
