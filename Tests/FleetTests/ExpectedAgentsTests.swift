import Cron
import Fleet
import Model
import TestSupport
import Testing

/// Agents the configuration expects (`fleet.expected`): listed as missing from start-up with the configured type,
/// labels and schedule, healthy with their first beat, stored before it (so the time each was first listed outlives a
/// restart), forgotten when no longer expected.
struct ExpectedAgentsTests {
    let clock = ManualClock(start: Timestamp(seconds: 1_800_000_000))
    let registry = AgentRegistry()

    func nightly() throws -> ExpectedAgent {
        ExpectedAgent(
            name: "nightly-report", agentType: "nightly", labels: [ExpectedLabel(name: "team", value: "data")],
            schedule: AgentSchedule(
                cron: CronSchedule(expression: try CronExpression(parsing: "0 3 * * *"), timeZone: .utc)))
    }

    @Test func anExpectedAgentNeverSeenIsMissingWithItsConfiguredIdentity() throws {
        registry.placeExpectedAgents([try nightly()], at: clock.now())
        let agent = try #require(registry.agent(named: "nightly-report"))
        #expect(agent.state(at: clock.now() + .hours(48), policy: .standard) == .missing)
        #expect(agent.agentType == "nightly")
        #expect(agent.labels.map(\.name) == ["team"])
        #expect(agent.schedule?.cron.expression.text == "0 3 * * *")
        #expect(registry.count == 1)
        registry.sweep(at: clock.now() + .hours(48))
        #expect(registry.agent(named: "nightly-report")?.recordedState == .missing)
        #expect(registry.drainChanges().upserts.map(\.name) == ["nightly-report"])
    }

    /// An operator's trial: `missing_since` started again at each restart of the exporter, so `AgentMissing` never
    /// reached its threshold under restarts. The missing agent is stored, restored as still awaiting its first beat,
    /// and the listing after the restart keeps the time it was first listed.
    @Test func theTimeAMissingAgentWasFirstListedOutlivesARestart() throws {
        let listedAt = clock.now()
        registry.placeExpectedAgents([try nightly()], at: listedAt)
        let stored = registry.drainChanges().upserts
        let restarted = AgentRegistry()
        restarted.restore(stored)
        restarted.placeExpectedAgents([try nightly()], at: listedAt + .minutes(7))
        let agent = try #require(restarted.agent(named: "nightly-report"))
        #expect(agent.awaitingFirstBeat && agent.firstSeen == listedAt)
        #expect(agent.state(at: listedAt + .minutes(7), policy: .standard) == .missing)
        guard
            case .perAgent(let read)? = FleetFamilies.all.first(where: {
                $0.name == "agent_missing_since_timestamp_seconds"
            })?.kind
        else {
            Issue.record("agent_missing_since_timestamp_seconds is not a per-agent family")
            return
        }
        #expect(withUnsafePointer(to: agent) { read($0, .missing) } == listedAt.seconds)
        #expect(withUnsafePointer(to: agent) { read($0, .healthy) } == nil)
        // Restarted with a configuration that no longer lists it: forgotten, in storage too.
        let unlisted = AgentRegistry()
        unlisted.restore(stored)
        unlisted.placeExpectedAgents([], at: listedAt + .minutes(8))
        #expect(unlisted.agent(named: "nightly-report") == nil)
        #expect(unlisted.drainChanges().deletions == ["nightly-report"])
    }

    /// An agent whose first beat came is never taken back for a missing one after a restart, even with no other
    /// beat counted since.
    @Test func anAgentThatBeatIsRestoredAsSeen() throws {
        registry.placeExpectedAgents([try nightly()], at: clock.now())
        _ = try registry.ingest(Heartbeat(agent: "nightly-report"), at: clock.now())
        let restarted = AgentRegistry()
        restarted.restore(registry.drainChanges().upserts)
        restarted.placeExpectedAgents([], at: clock.now())
        #expect(restarted.agent(named: "nightly-report")?.awaitingFirstBeat == false)
    }

    @Test func theFirstBeatMakesItHealthyAndStoresIt() throws {
        registry.placeExpectedAgents([try nightly()], at: clock.now())
        clock.advance(by: .minutes(5))
        _ = try registry.ingest(Heartbeat(agent: "nightly-report"), at: clock.now())
        let agent = try #require(registry.agent(named: "nightly-report"))
        #expect(agent.state(at: clock.now(), policy: .standard) == .healthy)
        #expect(agent.agentType == "nightly")
        #expect(agent.firstSeen == clock.now())
        #expect(agent.history.map(\.reason) == ["first heartbeat"])
        let changes = registry.drainChanges()
        #expect(changes.upserts.map(\.name) == ["nightly-report"])
        #expect(registry.count == 1)
        // A reload that still expects it leaves the agent as its beats made it.
        registry.placeExpectedAgents([ExpectedAgent(name: "nightly-report", agentType: "other")], at: clock.now())
        #expect(registry.agent(named: "nightly-report")?.agentType == "nightly")
    }

    /// An operator kills an expected agent that never came: the kill is stored, so a restart keeps it killed
    /// rather than listing it as missing again.
    @Test func aKillOfAMissingAgentIsStoredAndOutlivesARestart() throws {
        registry.placeExpectedAgents([try nightly()], at: clock.now())
        _ = try registry.kill("nightly-report", action: OperatorAction(reason: "retired", by: "sre", at: clock.now()))
        let stored = registry.drainChanges().upserts
        #expect(stored.map(\.name) == ["nightly-report"])
        let restarted = AgentRegistry()
        restarted.restore(stored)
        restarted.placeExpectedAgents([try nightly()], at: clock.now() + .minutes(1))
        let agent = try #require(restarted.agent(named: "nightly-report"))
        #expect(agent.state(at: clock.now() + .minutes(1), policy: .standard) == .killed)
        #expect(agent.killed?.by == "sre")
    }

    @Test func aReloadThatNoLongerExpectsAMissingAgentForgetsIt() throws {
        registry.placeExpectedAgents([try nightly(), ExpectedAgent(name: "seen")], at: clock.now())
        _ = try registry.ingest(Heartbeat(agent: "seen"), at: clock.now())
        registry.placeExpectedAgents([], at: clock.now())
        #expect(registry.agent(named: "nightly-report") == nil)
        #expect(registry.agent(named: "seen") != nil)
        #expect(registry.count == 1)
    }

    @Test func theExposedSeriesSayMissingAndHaveNoLastHeartbeat() throws {
        registry.placeExpectedAgents([try nightly()], at: clock.now())
        let agent = try #require(registry.agent(named: "nightly-report"))
        let families = Dictionary(uniqueKeysWithValues: FleetFamilies.all.map { ($0.name, $0.kind) })
        guard case .perAgent(let lastBeat)? = families["agent_last_heartbeat_timestamp_seconds"],
            case .perLabelValue(_, let health)? = families["agent_health"],
            case .perAgent(let up)? = families["agent_up"]
        else {
            Issue.record("families missing")
            return
        }
        withUnsafePointer(to: agent) { agent in
            #expect(lastBeat(agent, .missing) == nil)
            #expect(health.first(where: { $0.value == "missing" })?.read(agent, .missing) == 1)
            #expect(up(agent, .missing) == 0)
        }
    }

    @Test func theExpectedCountOfATypeIsItsMinimumOrItsListedAgents() {
        let fleet = ExpectedFleet(
            agents: [
                ExpectedAgent(name: "a", agentType: "worker"), ExpectedAgent(name: "b", agentType: "worker"),
                ExpectedAgent(name: "c", agentType: "nightly"),
            ],
            minimumByAgentType: ["worker": 1, "indexer": 4])
        #expect(fleet.minimumByType == ["worker": 2, "nightly": 1, "indexer": 4])
    }
}
