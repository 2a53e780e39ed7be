import AlertPipeline
import Model
import Server
import Testing
import YAMLConfig

/// The `history:` section: how long the alert history and the agents' activity are kept; errors name file, line and
/// key.
struct HistoryConfigTests {
    @Test func retentionDefaultsToThirtyDaysAndIsRead() throws {
        #expect(try ExporterConfig.parse("", file: "hx.yml").historyRetention == .hours(720))
        #expect(try ExporterConfig.parse("history: {retention: 7d}\n", file: "hx.yml").historyRetention == .hours(168))
    }

    @Test func activityRetentionDefaultsToThirtyDaysAndIsReadApartFromTheAlertHistorys() throws {
        #expect(try ExporterConfig.parse("", file: "hx.yml").activityRetention == .hours(720))
        let config = try ExporterConfig.parse("history: {retention: 7d, activity_retention: 90d}\n", file: "hx.yml")
        #expect(config.activityRetention == .hours(90 * 24))
        #expect(config.historyRetention == .hours(168))
    }

    @Test(arguments: [
        ("history:\n  retention: 30m\n", "hx.yml:2:14: history.retention: must be at least 1h"),
        (
            "history:\n  retention: a while\n",
            #"hx.yml:2:14: history.retention: not a valid duration string: "a while""#
        ),
        ("history:\n  activity_retention: 10m\n", "hx.yml:2:23: history.activity_retention: must be at least 1h"),
        ("history:\n  keep: 7d\n", "hx.yml:2:3: history.keep: unknown key (allowed: activity_retention, retention)"),
    ])
    func errorsNameFileLineKeyAndProblem(yaml: String, message: String) {
        expectRefused(yaml, saying: message)
    }
}
