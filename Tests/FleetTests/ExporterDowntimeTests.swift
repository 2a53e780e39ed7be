import Fleet
import Model
import TestSupport
import Testing

/// An operator's trial: a restart after an outage longer than the thresholds paged every agent still alive, judged
/// by beats it could not deliver while the exporter was down. An agent healthy when the exporter stopped counts its
/// silence from the exporter's start; one already late or unreachable is judged by its last beat, as before.
struct ExporterDowntimeTests {
    let clock = ManualClock(start: Timestamp(seconds: 1_800_000_000))

    func stored() throws -> [AgentRecord] {
        let registry = AgentRegistry()
        _ = try registry.ingest(Heartbeat(agent: "alive", intervalSeconds: 30), at: clock.now())
        _ = try registry.ingest(Heartbeat(agent: "dead", intervalSeconds: 30), at: clock.now() - .minutes(10))
        registry.sweep(at: clock.now())
        return registry.drainChanges().upserts
    }

    @Test func aHealthyAgentCountsItsSilenceFromTheExportersStart() throws {
        let records = try stored()
        let start = clock.now() + .seconds(91)  // down 91 s: more than 3 intervals
        let restarted = AgentRegistry()
        restarted.restore(records, at: start)
        #expect(restarted.sweep(at: start).isEmpty, "nothing changes at the start")
        #expect(restarted.agent(named: "alive")?.state(at: start, policy: .standard) == .healthy)
        #expect(restarted.agent(named: "dead")?.state(at: start, policy: .standard) == .unreachable)

        // Still silent 90 s after the start: degraded, and the reason says from when the silence counts.
        let transitions = restarted.sweep(at: start + .seconds(90))
        #expect(transitions.map(\.agent) == ["alive"] && transitions.first?.to == .degraded)
        #expect(transitions.first?.reason == "no heartbeat for 3m1s, 1m30s since the exporter started")

        // Without a start time, as before: judged by the last beat at once.
        let judgedByBeat = AgentRegistry()
        judgedByBeat.restore(records)
        #expect(judgedByBeat.agent(named: "alive")?.state(at: start, policy: .standard) == .degraded)
    }
}
