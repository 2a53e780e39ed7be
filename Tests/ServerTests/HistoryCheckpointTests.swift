import Foundation
import Model
import Testing
import TestSupport

/// The rules' history checkpoint and the fleet it sampled, after a crash (`kill -9`: no final save).
struct HistoryCheckpointTests {
    /// An operator's trial saw `AgentCostSpike` fire after a `kill -9` restart: the checkpoint held counter samples
    /// of beats the fleet had not stored yet, so the restored counters were lower than the history's last samples,
    /// a reset to `rate()`. The fleet is now committed before each checkpoint: what is stored is at least what the
    /// checkpoint holds, whenever the crash comes.
    @Test func aCheckpointIsWrittenOnlyAfterTheCountersItSampledAreStored() throws {
        let directory = TestPaths.temporaryDirectory("checkpoint")
        try """
        groups:
          - name: cost
            interval: 1m
            rules:
              - alert: Spending
                expr: agent_cost_usd_total > 1000
        """.write(toFile: directory + "/cost.yml", atomically: true, encoding: .utf8)
        let api = try APIFixture(
            config: "global: {rule_history_checkpoint_interval: 1m}\nrule_files: ['\(directory)/cost.yml']\n")
        #expect(
            api.send("POST", "/api/v1/heartbeat", #"{"agent": "spender", "metrics": {"cost_usd": 5}}"#).status == 202)
        api.exporter.evaluateRules()  // the first evaluation starts the checkpoint interval
        api.clock.advance(by: 60)
        #expect(
            api.send("POST", "/api/v1/heartbeat", #"{"agent": "spender", "metrics": {"cost_usd": 1}}"#).status == 202)
        api.exporter.evaluateRules()  // samples 6 USD and writes a checkpoint; no maintenance round ran
        #expect(try api.storage.loadRuleHistory() != nil)
        let stored = try api.storage.loadAgents(historyLimit: 10).first { $0.name == "spender" }
        #expect(stored?.counters.costUSD == 6)
    }
}
