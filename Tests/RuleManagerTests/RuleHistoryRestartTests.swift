import Alerting
import Exposition
import Fleet
import Logging
import Model
import Rules
import RuleManager
import Series
import Synchronization
import TestSupport
import Testing

/// The rules' sample history across a restart: a rate-based alert keeps firing, with nothing resolved and the
/// same `startsAt`, when a new engine restores the history the old one checkpointed.
struct RuleHistoryRestartTests {
    static let ruleFile = """
        groups:
          - name: cost
            interval: 10s
            rules:
              - alert: CostRising
                expr: rate(agent_cost_usd_total[2m]) > 0
        """

    let clock = ManualClock()
    let registry = AgentRegistry()
    let store = InMemoryStorage()
    /// What the engines hand to the alert pipeline.
    final class Sent: Sendable {
        let alerts = Mutex<[Alerting.Alert]>([])
    }

    let sent = Sent()

    func engine() throws -> RuleEngine {
        let sent = self.sent
        let engine = RuleEngine(
            registry: registry, store: store, clock: clock, logger: Logger(label: "test"), historyStore: store
        ) { alerts, _ in sent.alerts.withLock { $0 += alerts } }
        engine.install(
            try RuleFileLoader.parse(Self.ruleFile, file: "cost.yml"), settings: RuleEvaluationSettings(),
            generatorLink: .page(""), checkpointInterval: .seconds(30))
        return engine
    }

    func beat(_ cost: Double) throws {
        _ = try registry.ingest(Heartbeat(agent: "a", metrics: HeartbeatMetrics(costUSD: cost)), at: clock.now())
    }

    /// The history an engine checkpoints after one evaluation per cost (10 s apart), as stored.
    func checkpointedHistory(costs: [Double]) throws -> [UInt8] {
        let before = try engine()
        for cost in costs {
            try beat(cost)
            before.tick()
            clock.advance(by: 10)
        }
        #expect(before.saveHistory() != nil)
        return try #require(try store.loadRuleHistory())
    }

    @Test func aRestartedEngineKeepsARateAlertFiringWithoutAResolve() throws {
        let before = try engine()
        var cost = 0.0
        for _ in 0..<16 {
            cost += 0.5
            try beat(cost)
            before.tick()
            clock.advance(by: 10)
        }
        let firing = try #require(sent.alerts.withLock { $0 }.last)
        #expect(firing.endsAt.map { $0 > clock.now() } == true)
        #expect(try store.loadRuleHistory() != nil)
        // Killed without a final save: the last checkpoint (at most 30 s old) is all that is left.
        sent.alerts.withLock { $0 = [] }
        clock.advance(by: 3)
        let after = try engine()
        for _ in 0..<3 {
            cost += 0.5
            try beat(cost)
            after.tick()
            let now = clock.now()
            let resolved = sent.alerts.withLock { $0 }.filter { $0.endsAt.map { $0 <= now } ?? false }
            #expect(resolved.isEmpty)
            clock.advance(by: 10)
        }
        let resent = sent.alerts.withLock { $0 }
        #expect(!resent.isEmpty)
        #expect(resent.allSatisfy { $0.startsAt == firing.startsAt && $0.labels == firing.labels })
    }

    @Test func aStoredHistoryThatDoesNotParseIsIgnored() throws {
        try store.saveRuleHistory([SampleHistory.checkpointVersion, 0xff])
        let engine = try engine()
        try beat(1)
        engine.tick()
        #expect(engine.history.size.series == 1)
    }

    @Test func theStoredHistoryIsRestoredByTheFirstEvaluationNotByTheInstall() throws {
        let stored = try checkpointedHistory(costs: [1.0, 2.0, 3.0, 4.0])

        let after = try engine()
        #expect(after.historyRestorePending)
        #expect(after.history.size.series == 0)
        // A shutdown before the first evaluation must not replace the checkpoint with the empty history.
        #expect(after.saveHistory() == nil)
        #expect(try store.loadRuleHistory() == stored)

        try beat(5)
        after.tick()
        #expect(!after.historyRestorePending)
        let samples = after.history.size.samples
        #expect(samples == 5, "four restored samples and the one this evaluation took, found \(samples)")
        #expect(after.saveHistory() != nil)
    }

    /// A shutdown right after a restart does not wait for the stored history to be read: the restore is abandoned,
    /// nothing is evaluated, and the stored history is left for the next start instead of being replaced.
    @Test func aShutdownAbandonsThePendingRestoreAndKeepsTheStoredHistory() throws {
        let stored = try checkpointedHistory(costs: [1.0, 2.0, 3.0])

        let after = try engine()
        after.abandonHistoryRestore()
        try beat(4)
        #expect(after.restorePendingHistory() == false)
        after.tick()
        #expect(after.historyRestorePending)
        #expect(after.history.size.series == 0, "nothing restored, nothing sampled")
        #expect(after.saveHistory() == nil)
        #expect(try store.loadRuleHistory() == stored)

        let next = try engine()
        next.tick()
        #expect(next.history.size.samples == 4, "three restored samples and this evaluation's")
    }
}

/// Checkpoints take at most a twentieth of the rule thread: after a slow one, the next waits 20 times as long.
struct RuleHistoryCheckpointSpacingTests {
    /// A store whose writes take `secondsPerSave` of the engine's clock, and counts them.
    final class SlowStore: RuleHistoryStorage {
        let clock: ManualClock
        let secondsPerSave: Double
        let saves = Mutex(0)

        init(clock: ManualClock, secondsPerSave: Double) {
            self.clock = clock
            self.secondsPerSave = secondsPerSave
        }

        func saveRuleHistory(_ checkpoint: [UInt8]) throws(StorageError) {
            clock.advance(by: secondsPerSave)
            saves.withLock { $0 += 1 }
        }

        func loadRuleHistory() throws(StorageError) -> [UInt8]? { nil }
    }

    /// How many checkpoints an engine writes in `seconds` of evaluations every 10 s, its checkpoint interval 30 s.
    func checkpoints(secondsPerSave: Double, over seconds: Int) throws -> (saves: Int, metrics: String) {
        let clock = ManualClock()
        let store = SlowStore(clock: clock, secondsPerSave: secondsPerSave)
        let engine = try installedEngine(
            RuleHistoryRestartTests.ruleFile, file: "cost.yml", registry: AgentRegistry(), clock: clock,
            historyStore: store, checkpointInterval: .seconds(30))
        let end = clock.now() + .seconds(seconds)
        while clock.now() < end {
            engine.tick()
            clock.advance(by: 10)
        }
        var writer = ExpositionWriter(format: .prometheusText)
        engine.write(into: &writer)
        return (store.saves.withLock { $0 }, String(decoding: writer.finish(), as: UTF8.self))
    }

    @Test func quickCheckpointsFollowTheInterval() throws {
        // 600 s of evaluations: a checkpoint every 30 s after the first interval.
        let quick = try checkpoints(secondsPerSave: 0.5, over: 600)
        #expect(quick.saves >= 18 && quick.saves <= 20, "\(quick.saves) checkpoints")
        #expect(quick.metrics.contains("heartbeat_exporter_rule_history_last_checkpoint_duration_seconds 0.5\n"))
    }

    @Test func aSlowCheckpointSpacesTheNextOnesOut() throws {
        // Each takes 6 s: the next waits 120 s, so 600 s hold 5 or so instead of 19.
        let slow = try checkpoints(secondsPerSave: 6, over: 600)
        #expect(slow.saves >= 4 && slow.saves <= 5, "\(slow.saves) checkpoints")
        #expect(slow.metrics.contains("heartbeat_exporter_rule_history_last_checkpoint_duration_seconds 6\n"))
        #expect(slow.metrics.contains("heartbeat_exporter_rule_history_last_checkpoint_timestamp_seconds "))
    }
}
