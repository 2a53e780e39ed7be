import Alerting
import Fleet
import JSON
import Model
import TestSupport
import Testing

@testable import AlertPipeline

/// Alerts of agents whose dependency is down are muted, named by the root cause; the root's alert names its
/// dependents; when the root recovers a dependent still silent is notified. Stepped with the manual clock over the
/// router fixture of ``AlertRouterTests`` (group_by alertname, group_wait 30s, group_interval 5m, repeat_interval
/// 4h) and a registry judged by the standard thresholds (degraded after 90 s, unreachable after 5 min).
struct DependencyMutingTests {
    let acks = AcknowledgementTests()
    var clock: ManualClock { acks.clock }
    var registry: AgentRegistry { acks.fixture.registry }

    func beat(_ agent: String, dependsOn: [String]? = nil) throws {
        var heartbeat = Heartbeat(agent: agent)
        heartbeat.dependsOn = dependsOn
        _ = try registry.ingest(heartbeat, at: clock.now())
    }

    /// The `silencedBy` of the alert of `agent` as the API lists it.
    func silencedBy(_ router: AlertRouter, _ agent: String) -> [String]? {
        router.alerts(AlertQuery()).first { $0.alert.labels["agent"] == agent }?.status.silencedBy
    }

    func annotation(_ payloadIndex: Int, agent: String) -> String? {
        let alerts = acks.fixture.payloads()[payloadIndex]["alerts"]?.arrayValue ?? []
        let alert = alerts.first { $0.objectValue?["labels"]?.objectValue?["agent"]?.stringValue == agent }
        return alert?.objectValue?["annotations"]?.objectValue?["dependents_affected"]?.stringValue
    }

    @Test func dependentsAreMutedWhileTheirRootIsDownAndAStillSilentOneIsNotifiedWhenItReturns() async throws {
        let router = try acks.fixture.router()
        let workers = ["w1", "w2", "w3"]
        try beat("planner")
        for worker in workers { try beat(worker, dependsOn: ["planner"]) }
        clock.advance(by: 400)
        _ = registry.sweep(at: clock.now())
        #expect(registry.dependencyMap().affected["planner"] == workers)
        let start = clock.now()
        let all = ["planner"] + workers
        router.receive(all.map { acks.alert($0, since: start) })
        try await acks.pass(600, router, firing: all, since: start)
        #expect(acks.notified() == [["planner=firing"]], "one notification, for the root cause only")
        #expect(annotation(0, agent: "planner") == "3 (w1, w2, w3)")
        #expect(silencedBy(router, "w2") == ["dependency:planner"])
        #expect(silencedBy(router, "planner") == [])

        for agent in ["planner", "w1", "w2"] { try beat(agent) }
        let recovered = clock.now()
        router.receive(["planner", "w1", "w2"].map { acks.alert($0, since: start, resolved: true) })
        try await acks.pass(300, router, firing: ["w3"], since: start)
        #expect(silencedBy(router, "w3") == [])
        #expect(acks.notified().count == 2)
        #expect(Set(acks.notified().last ?? []) == ["planner=resolved", "w3=firing"], "w3 is still silent: sent")
        #expect(clock.now() - recovered <= .minutes(5), "at the group's next flush")
    }

    /// An operator's trial: dependents back with their root were still notified, their alerts kept firing by the
    /// rule's `keep_firing_for`, and then never resolved. Those stay muted; a dependent still silent is notified,
    /// and so is its resolution.
    @Test func dependentsKeptFiringAfterTheirRootReturnedStayMutedAndAStillSilentOneResolvesAloud() async throws {
        let router = try acks.fixture.router()
        try beat("planner")
        for worker in ["w1", "w2"] { try beat(worker, dependsOn: ["planner"]) }
        clock.advance(by: 400)
        _ = registry.sweep(at: clock.now())
        let start = clock.now()
        router.receive(["planner", "w1", "w2"].map { acks.alert($0, since: start) })
        try await acks.pass(600, router, firing: ["planner", "w1", "w2"], since: start)
        #expect(acks.notified() == [["planner=firing"]])

        for agent in ["planner", "w1"] { try beat(agent) }
        _ = registry.sweep(at: clock.now())
        for _ in 0..<5 {  // w1 kept firing by its rule; w2 still silent
            clock.advance(by: 60)
            var kept = acks.alert("w1", since: start)
            kept.keptFiring = true
            router.receive([acks.alert("planner", since: start, resolved: true), kept, acks.alert("w2", since: start)])
            try await acks.fixture.tickAndDeliver(router)
        }
        #expect(!acks.notified().joined().contains { $0.hasPrefix("w1=") }, "w1 came back with its root")
        #expect(acks.notified().joined().contains("w2=firing"))

        router.receive([acks.alert("w1", since: start, resolved: true), acks.alert("w2", since: start, resolved: true)])
        try await acks.pass(600, router, since: start)
        #expect(acks.notified().joined().contains("w2=resolved"), "w2 was notified firing: its resolution is sent")
        #expect(!acks.notified().joined().contains { $0.hasPrefix("w1=") })
    }

    @Test func theRootCauseIsTheDeepestDependencyDown() throws {
        try beat("db")
        try beat("planner", dependsOn: ["db"])
        try beat("worker", dependsOn: ["planner"])
        clock.advance(by: 100)
        try beat("worker", dependsOn: ["planner"])
        _ = registry.sweep(at: clock.now())
        #expect(registry.dependencyMap().roots == ["worker": "db", "planner": "db"])
        try beat("db")
        _ = registry.sweep(at: clock.now())
        #expect(registry.dependencyMap().roots == ["worker": "planner"])
        try beat("planner", dependsOn: ["db"])
        _ = registry.sweep(at: clock.now())
        #expect(registry.dependencyMap().roots.isEmpty)
        #expect(registry.dependencyMap().dependents["planner"] == ["worker"])
    }

    @Test func aKilledDependencyMutesItsDependents() throws {
        try beat("planner")
        try beat("w1", dependsOn: ["planner"])
        _ = try registry.kill("planner", action: OperatorAction(reason: "runaway", by: "alice", at: clock.now()))
        #expect(registry.dependencyMap().roots == ["w1": "planner"])
        #expect(registry.dependencyMap().affectedSummary(of: "planner") == "1 (w1)")
    }

    @Test func aBeatThatWouldCloseACycleIsRefusedNamingTheCycle() throws {
        try beat("a", dependsOn: ["b"])
        try beat("b", dependsOn: ["c"])
        #expect(throws: RegistryError.dependencyCycle(DependencyCycle(agents: ["c", "a", "b", "c"]))) {
            try beat("c", dependsOn: ["a"])
        }
        let refused = RegistryError.dependencyCycle(DependencyCycle(agents: ["c", "a", "b", "c"]))
        #expect(refused.description == "field \"depends_on\": would close a dependency cycle: c → a → b → c")
        #expect(registry.agent(named: "c")?.dependsOn == nil, "nothing of the refused beat was recorded")
        try beat("b", dependsOn: [])
        try beat("c", dependsOn: ["a"])
        #expect(registry.agent(named: "c")?.dependsOn == ["a"], "accepted once b no longer depends on c")
    }

    @Test func configuredDependenciesMatchAgentLabels() throws {
        let matcher = try LabelMatcher.alertmanager(.equal, "agent_type", "worker")
        var configuration = registry.currentConfiguration
        configuration.dependencyRules = [DependencyRule(matchers: [matcher], dependsOn: ["planner"])]
        registry.reconfigure(configuration)
        try beat("planner")
        var worker = Heartbeat(agent: "w1", agentType: "worker")
        _ = try registry.ingest(worker, at: clock.now())
        _ = try registry.kill("planner", action: OperatorAction(reason: "", by: "alice", at: clock.now()))
        #expect(registry.dependencyMap().roots == ["w1": "planner"])
        worker = Heartbeat(agent: "planner")
        worker.dependsOn = ["w1"]
        #expect(throws: RegistryError.self, "planner → w1 → planner through the configuration") {
            _ = try registry.ingest(worker, at: clock.now())
        }
    }

    @Test func declaredDependenciesRestoredFromStorageRefuseACycleAtOnce() throws {
        var worker = AgentRecord(name: "w1", firstSeen: clock.now())
        worker.dependsOn = ["planner"]
        var planner = AgentRecord(name: "planner", firstSeen: clock.now())
        planner.recordedState = .unreachable
        let restarted = AgentRegistry()
        restarted.restore([worker, planner])
        #expect(restarted.dependencyMap().roots == ["w1": "planner"])
        var beat = Heartbeat(agent: "planner")
        beat.dependsOn = ["w1"]
        #expect(throws: RegistryError.dependencyCycle(DependencyCycle(agents: ["planner", "w1", "planner"]))) {
            _ = try restarted.ingest(beat, at: clock.now())
        }
    }
}
