import Foundation
import Model
import RuleManager
import Series
@testable import Server
import TestSupport
import Testing

/// The exporter writes the rules' sample history at shutdown and every checkpoint interval, into its storage.
struct RuleHistorySaveTests {
    static let rules = """
        groups:
          - name: cost
            rules:
              - alert: CostRising
                expr: rate(agent_cost_usd_total[2m]) > 0
        """

    static func fixture() throws -> APIFixture {
        let directory = TestPaths.temporaryDirectory("history-rules")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try rules.write(toFile: directory + "/rules.yml", atomically: true, encoding: .utf8)
        return try APIFixture(
            config: """
                global: {evaluation_interval: 10s, rule_history_checkpoint_interval: 30s}
                rule_files: ['\(directory)/rules.yml']
                """)
    }

    static func restoredSeries(_ storage: InMemoryStorage) throws -> Int? {
        guard let bytes = try storage.loadRuleHistory() else { return nil }
        let history = SampleHistory(retention: .init(metricNames: nil, window: .hours(1)))
        return try history.restore(checkpoint: bytes).series
    }

    @Test func theHistoryIsCheckpointedAtItsIntervalAndSavedAtShutdown() throws {
        let api = try Self.fixture()
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "a"}"#).status == 202)
        api.exporter.evaluateRules()
        api.clock.advance(by: 10)
        api.exporter.evaluateRules()
        #expect(try Self.restoredSeries(api.storage) == nil, "no checkpoint before 30 s")
        api.clock.advance(by: 20)
        api.exporter.evaluateRules()
        #expect(try Self.restoredSeries(api.storage) == 1)

        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "b"}"#).status == 202)
        api.clock.advance(by: 10)
        api.exporter.evaluateRules()
        #expect(try Self.restoredSeries(api.storage) == 1, "the next checkpoint is 30 s after the last")
        api.exporter.shutdown()
        #expect(try Self.restoredSeries(api.storage) == 2)
    }
}
