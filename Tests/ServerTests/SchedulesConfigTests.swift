import Fleet
import Model
import Server
import Testing
import YAMLConfig

struct SchedulesConfigTests {
    @Test func readsSchedulesInOrderWithTheirDefaults() throws {
        let config = try ExporterConfig.parse(
            """
            schedules:
              - matchers: ['agent="nightly-report"']
                cron: '0 3 * * *'
                timezone: Europe/Berlin
                grace: 30m
                max_runtime: 2h
              - matchers: ['agent_type=~"backup|export"', 'team="data"']
                cron: '*/15 9-17 * * MON-FRI'
              - matchers: ['agent_type="report"']
                cron: '@daily'
            """, file: "hx.yml")
        let rules = config.health.schedules
        #expect(
            rules.map(\.schedule.cron.description) == [
                "0 3 * * * (Europe/Berlin)", "*/15 9-17 * * MON-FRI (UTC)", "@daily (UTC)",
            ])
        #expect(rules.map(\.schedule.grace) == [.minutes(30), .hours(1), .hours(1)])
        #expect(rules.map(\.schedule.maxRuntime) == [.hours(2), nil, nil])
        #expect(rules[1].matchers.count == 2)
        #expect(rules[0].matches(Labels([Label("agent", "nightly-report")])))
        #expect(!rules[0].matches(Labels([Label("agent", "other")])))
    }

    /// Each bad entry and the exact message: file, line, column, key, problem.
    @Test(arguments: [
        (
            "schedules:\n  - {matchers: ['agent=\"a\"'], cron: '0 0 3 * * *'}\n",
            "hx.yml:2:37: schedules[0].cron: a cron expression has 5 fields (minute hour day-of-month month day-of-week), got 6"
        ),
        (
            "schedules:\n  - matchers: ['agent=\"a\"']\n    cron: '61 * * * *'\n",
            "hx.yml:3:11: schedules[0].cron: minute field: 61 is not in 0-59"
        ),
        (
            "schedules:\n  - matchers: ['agent=\"a\"']\n    cron: '@reboot'\n",
            "hx.yml:3:11: schedules[0].cron: @reboot names no time (it runs once when cron starts), so no run of it "
                + "is ever due; give the schedule its job really follows, or an interval"
        ),
        (
            "schedules:\n  - matchers: ['agent=\"a\"']\n    cron: '0 3 * * *'\n    timezone: Mars/Olympus\n",
            "hx.yml:4:15: schedules[0].timezone: unknown time zone \"Mars/Olympus\" (not in /usr/share/zoneinfo)"
        ),
        (
            "schedules:\n  - matchers: ['agent=\"a\"']\n    cron: '0 3 * * *'\n    grace: 32d\n",
            "hx.yml:4:12: schedules[0].grace: must be at most 31d"
        ),
        (
            "schedules:\n  - matchers: ['agent=\"a\"']\n",
            "hx.yml:2:5: schedules[0].cron: a schedule needs cron"
        ),
        (
            "schedules:\n  - cron: '0 3 * * *'\n",
            "hx.yml:2:5: schedules[0].matchers: a schedule needs matchers"
        ),
        (
            "schedules:\n  - matchers: ['agent=\"a\"']\n    cron: '0 3 * * *'\n    every: 1d\n",
            "hx.yml:4:5: schedules[0].every: unknown key (allowed: cron, grace, matchers, max_runtime, timezone)"
        ),
        (
            "schedules:\n  - matchers: ['agent=\"a\"']\n    cron: '0 3 * * *'\n    max_runtime: 0s\n",
            "hx.yml:4:18: schedules[0].max_runtime: must be above 0"
        ),
        (
            "schedules:\n  - matchers: ['agent=\"a\"']\n    cron: '0 3 * * *'\n    max_runtime: 32d\n",
            "hx.yml:4:18: schedules[0].max_runtime: must be at most 31d"
        ),
    ])
    func errorsNameFileLineKeyAndProblem(yaml: String, message: String) {
        expectRefused(yaml, saying: message)
    }
}
