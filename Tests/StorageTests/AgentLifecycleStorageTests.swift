import Fleet
import Model
import Storage
import TestSupport
import Testing

extension StorageConformanceTests {
    /// A maintenance window, the ephemeral mark, a beat's grace and the task streak are written with the agent and
    /// read back after a restart, by every backend.
    @Test(arguments: Backend.allCases)
    func theLifecycleOfAnAgentComesBackAfterARestart(backend: Backend) throws {
        let opened = Opened(backend)
        var record = AgentRecord(name: "order-7", firstSeen: Self.start)
        record.maintenance = MaintenanceWindow(
            startsAt: Self.start + .minutes(1), until: Self.start + .hours(2), reason: "disk swap", by: "alice")
        record.ephemeral = true
        record.beatGrace = .seconds(7_200)
        record.streak.consecutiveFailures = 6
        record.streak.lastSuccessAt = Self.start + .seconds(10)
        record.streak.lastFailureAt = Self.start + .seconds(70)
        record.streak.lastTaskDurationSeconds = 1.25
        var plain = AgentRecord(name: "plain", firstSeen: Self.start)
        plain.lastBeat = Self.start
        var changes = FleetChanges()
        changes.upserts = [record, plain]
        try opened.open().apply(changes)

        let loaded = try opened.open().loadAgents()
        let back = try #require(loaded.first { $0.name == "order-7" })
        #expect(back.maintenance == record.maintenance)
        #expect(back.ephemeral)
        #expect(back.beatGrace == .seconds(7_200))
        #expect(back.streak == record.streak)
        let other = try #require(loaded.first { $0.name == "plain" })
        #expect(other.maintenance == nil && !other.ephemeral && other.beatGrace == nil)
        #expect(other.streak == TaskStreak())
    }

    /// The dependencies an agent's beats declared are written with it and read back after a restart, by every
    /// backend; an agent that declared none reads back none.
    @Test(arguments: Backend.allCases)
    func theDeclaredDependenciesOfAnAgentComeBackAfterARestart(backend: Backend) throws {
        let opened = Opened(backend)
        var worker = AgentRecord(name: "worker-1", firstSeen: Self.start)
        worker.dependsOn = ["planner-1", "db-writer"]
        let planner = AgentRecord(name: "planner-1", firstSeen: Self.start)
        var changes = FleetChanges()
        changes.upserts = [worker, planner]
        try opened.open().apply(changes)

        let loaded = try opened.open().loadAgents()
        #expect(loaded.first { $0.name == "worker-1" }?.dependsOn == ["planner-1", "db-writer"])
        #expect(loaded.first { $0.name == "planner-1" }?.dependsOn == [])
    }
}
