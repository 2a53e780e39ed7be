import Fleet
import HTTP
import JSON
@testable import Server
import Testing

/// A beat with a schedule, as the API and `/metrics` show it, under the fixture's manual clock (2026-01-01T00:00Z).
struct ScheduledAgentAPITests {
    static let beat = #"""
        {"agent": "nightly-report", "interval_seconds": 86400,
         "schedule": {"cron": "0 3 * * *", "timezone": "Europe/Berlin", "grace_seconds": 3600}}
        """#

    @Test func theAgentShowsItsScheduleDeadlinesAndTheThresholdsSource() throws {
        let api = try APIFixture()
        #expect(api.send("POST", "/api/v1/heartbeat", Self.beat).status == 202)
        let agent = api.send("GET", "/api/v1/agents/nightly-report").data.objectValue
        let thresholds = agent?["thresholds"]?.objectValue
        #expect(thresholds?["source"]?.stringValue == "schedule")
        #expect(thresholds?["degraded_after_seconds"]?.numberValue == 10_800.0)
        let schedule = agent?["schedule"]?.objectValue
        #expect(schedule?["cron"]?.stringValue == "0 3 * * *")
        #expect(schedule?["timezone"]?.stringValue == "Europe/Berlin")
        #expect(schedule?["grace_seconds"]?.numberValue == 3_600)
        // 03:00 CET is 02:00Z; late an hour later; missed once the next night's run is an hour late.
        #expect(schedule?["next_run"]?.stringValue == "2026-01-01T02:00:00.000Z")
        #expect(schedule?["late_at"]?.stringValue == "2026-01-01T03:00:00.000Z")
        #expect(schedule?["missed_at"]?.stringValue == "2026-01-02T03:00:00.000Z")

        api.clock.advance(by: 3 * 3_600)
        #expect(api.send("GET", "/api/v1/agents/nightly-report").data.objectValue?["state"]?.stringValue == "degraded")
    }

    @Test func metricsCarryTheNextRun() throws {
        let api = try APIFixture()
        _ = api.send("POST", "/api/v1/heartbeat", Self.beat)
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "worker"}"#)
        let lines = api.send("GET", "/metrics").text.split(separator: "\n").filter { $0.contains("agent_next_run") }
        #expect(
            lines == [
                "# HELP agent_next_run_timestamp_seconds Unix time the first run after the agent's last heartbeat is "
                    + "due, for agents judged by a schedule.",
                "# TYPE agent_next_run_timestamp_seconds gauge",
                #"agent_next_run_timestamp_seconds{agent="nightly-report"} 1.7672328e+09"#,
            ])
    }

    @Test func aSixFieldCronIsRefusedNamingTheField() throws {
        let api = try APIFixture()
        let reply = api.send("POST", "/api/v1/heartbeat", #"{"agent": "n", "schedule": {"cron": "0 0 3 * * *"}}"#)
        #expect(reply.status == 422)
        #expect(
            reply.json.objectValue?["error"]?.stringValue
                == #"field "schedule.cron": a cron expression has 5 fields (minute hour day-of-month month day-of-week), got 6"#
        )
        #expect(api.registry.count == 0)
    }
}
