import Exposition
import Fleet
import Model
import TestSupport
import Testing

/// The `recovering` state a recovery ladder sets through the registry: precedence, history, series.
struct AgentRecoveryTests {
    let clock = ManualClock()
    let registry = AgentRegistry()

    func beat(_ agent: String = "a", run: String = "run-1") throws {
        _ = try registry.ingest(Heartbeat(agent: agent, runID: run), at: clock.now())
    }

    func state(_ agent: String = "a") -> HealthState? {
        registry.agent(named: agent)?.state(at: clock.now(), policy: .standard)
    }

    func history(_ agent: String = "a") -> [String] {
        registry.agent(named: agent)?.history.map { "\($0.to.rawValue): \($0.reason)" } ?? []
    }

    /// Silent past `unreachable_after`, swept, then marked by the ladder at `restart`.
    func unreachableThenRecovering() throws {
        try beat()
        clock.advance(by: 300)
        registry.sweep(at: clock.now())
        try registry.beginRecovery("a", ladder: "workers", step: "restart", at: clock.now())
    }

    @Test func aMarkedAgentIsRecoveringWhateverTheAgeOfItsLastBeat() throws {
        try unreachableThenRecovering()
        #expect(state() == .recovering)
        let recovery = try #require(registry.agent(named: "a")?.recovery)
        #expect(
            recovery == AgentRecovery(ladder: "workers", step: "restart", since: clock.now(), stepSince: clock.now()))
        clock.advance(by: 3_600)
        #expect(registry.sweep(at: clock.now()).isEmpty, "age no longer changes the state")
        #expect(state() == .recovering)
    }

    @Test func eachStepAndTheEndGoIntoTheHistoryWithTheCallersReason() throws {
        try unreachableThenRecovering()
        let started = clock.now()
        clock.advance(by: 120)
        try registry.setRecoveryStep("a", step: "replace", at: clock.now())
        #expect(registry.agent(named: "a")?.recovery?.since == started)
        #expect(registry.agent(named: "a")?.recovery?.stepSince == clock.now())
        clock.advance(by: 10)
        try beat(run: "run-2")
        #expect(state() == .recovering, "a beat does not end the run; the ladder does")
        try registry.endRecovery("a", reason: "recovered by replace", at: clock.now())
        #expect(state() == .healthy)
        #expect(registry.agent(named: "a")?.recovery == nil)
        #expect(
            history() == [
                "healthy: first heartbeat", "unreachable: no heartbeat for 5m", "recovering: recovering: restart",
                "recovering: recovering: replace", "healthy: recovered by replace",
            ])
        let transitions = registry.drainChanges().transitions.filter { $0.to == .recovering }
        #expect(transitions.map(\.from) == [.unreachable, .recovering], "persisted like every transition")
    }

    @Test func callsRepeatedByTheLadderRecordNothingNew() throws {
        try unreachableThenRecovering()
        try registry.beginRecovery("a", ladder: "workers", step: "restart", at: clock.now())
        try registry.setRecoveryStep("a", step: "restart", at: clock.now())
        try registry.endRecovery("a", reason: "recovery exhausted", at: clock.now())
        try registry.endRecovery("a", reason: "recovery exhausted", at: clock.now())
        #expect(history().suffix(2) == ["recovering: recovering: restart", "unreachable: recovery exhausted"])
    }

    @Test func aMarkRestoredAfterARestartOfTheExporterRecordsNothingNew() throws {
        try unreachableThenRecovering()
        let saved = try #require(registry.agent(named: "a"))
        let restarted = AgentRegistry()
        var restored = saved
        restored.recovery = nil  // the mark is not persisted by the registry
        restarted.restore([restored])
        try restarted.beginRecovery("a", ladder: "workers", step: "restart", at: clock.now())
        #expect(restarted.agent(named: "a")?.state(at: clock.now(), policy: .standard) == .recovering)
        #expect(restarted.agent(named: "a")?.history.count == saved.history.count)
    }

    @Test func killedAndStoppedWinOverRecoveringAndAreNeverMarked() throws {
        try unreachableThenRecovering()
        try registry.kill("a", action: OperatorAction(by: "alice", at: clock.now()))
        #expect(state() == .killed)
        #expect(throws: RegistryError.notRecoverable("a", .killed)) {
            try registry.setRecoveryStep("a", step: "replace", at: clock.now())
        }
        try registry.endRecovery("a", reason: "agent killed", at: clock.now())
        #expect(state() == .killed)
        #expect(history().last == "killed: killed by alice", "ending under a kill records nothing")

        try beat("b")
        try registry.stop("b", action: OperatorAction(at: clock.now()))
        #expect(throws: RegistryError.notRecoverable("b", .stopped)) {
            try registry.beginRecovery("b", ladder: "workers", step: "restart", at: clock.now())
        }
        #expect(throws: RegistryError.notRecovering("b")) {
            try registry.setRecoveryStep("b", step: "replace", at: clock.now())
        }
        #expect(throws: RegistryError.unknownAgent("nobody")) {
            try registry.beginRecovery("nobody", ladder: "workers", step: "restart", at: clock.now())
        }
    }

    @Test func killAndStopDuringARunWinAndTheMarkShowsAgainWhenLifted() throws {
        try unreachableThenRecovering()
        try registry.kill("a", action: OperatorAction(at: clock.now()))
        #expect(state() == .killed)
        try registry.resume("a", action: OperatorAction(at: clock.now()))
        #expect(state() == .recovering, "the run goes on until the ladder ends it")
        try registry.stop("a", action: OperatorAction(at: clock.now()))
        #expect(state() == .stopped)
        #expect(history().suffix(3) == ["killed: killed", "recovering: resumed", "stopped: stopped"])
    }

    @Test func theLadderLearnsWhetherTheAgentBeatSinceItsStepBegan() throws {
        try unreachableThenRecovering()
        let stepBegan = clock.now()
        #expect(try #require(registry.lastHeartbeat(of: "a")) < stepBegan)
        clock.advance(by: 5)
        try beat(run: "run-2")
        #expect(try #require(registry.lastHeartbeat(of: "a")) > stepBegan)
        #expect(registry.lastHeartbeat(of: "nobody") == nil)
    }

    @Test func seriesShowTheStateAndTheRecoveringGauge() throws {
        try unreachableThenRecovering()
        try beat("b")
        var writer = ExpositionWriter(format: .prometheusText)
        let counts = FleetExposition.write(registry.snapshot(), at: clock.now(), policy: .standard, into: &writer)
        let text = String(decoding: writer.finish(), as: UTF8.self)
        #expect(text.contains(#"agent_health{agent="a",state="recovering"} 1"#))
        #expect(text.contains(#"agent_health{agent="a",state="unreachable"} 0"#))
        #expect(text.contains(#"agent_health{agent="b",state="recovering"} 0"#))
        #expect(text.contains("# TYPE agent_recovering gauge\n"))
        #expect(text.contains(#"agent_recovering{agent="a"} 1"#))
        #expect(text.contains(#"agent_recovering{agent="b"} 0"#))
        #expect(text.contains(#"agent_up{agent="a"} 0"#))
        #expect(counts == [.recovering: 1, .healthy: 1])
        #expect(registry.transitionsByTargetState[.recovering] == 1)
    }
}
