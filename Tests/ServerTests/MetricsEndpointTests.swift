import Exposition
import Fleet
@testable import Server
import Testing

struct MetricsEndpointTests {
    /// Parses `# TYPE` lines and sample lines and checks every sample belongs to a family declared before it.
    func familiesAndOrphans(_ text: String) -> (families: [String], orphans: [String]) {
        var families: [String] = [], helps: Set<String> = [], orphans: [String] = []
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# HELP ") { helps.insert(String(line.split(separator: " ")[2])) }
            if line.hasPrefix("# TYPE ") {
                let name = String(line.split(separator: " ")[2])
                if helps.contains(name) { families.append(name) } else { orphans.append("TYPE without HELP: \(name)") }
            }
            guard !line.hasPrefix("#") else { continue }
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            let family = families.last ?? ""
            let suffixes = ["", "_total", "_bucket", "_sum", "_count"]
            if !suffixes.contains(where: { family + $0 == name }) { orphans.append(line) }
        }
        return (families, orphans)
    }

    @Test func everySampleHasItsHelpAndTypeAndFamiliesAreUniqueAndSorted() throws {
        let api = try APIFixture()
        _ = api.send(
            "POST", "/api/v1/heartbeat",
            #"""
            {"agent": "a", "agent_type": "w", "labels": {"team": "x\"y\\z\nw"}, "task_progress": 0.5,
             "metrics": {"queue_depth": 1, "active_tasks": 2, "memory_bytes": 3}}
            """#)
        let text = api.send("GET", "/metrics").text
        let (families, orphans) = familiesAndOrphans(text)
        #expect(orphans.isEmpty, "\(orphans)")
        #expect(Set(families).count == families.count)
        let agentFamilies = families.filter { $0.hasPrefix("agent_") }
        #expect(agentFamilies == agentFamilies.sorted())
        #expect(
            Set(agentFamilies) == [
                "agent_active_tasks", "agent_cost_usd_total", "agent_errors_total", "agent_health",
                "agent_heartbeats_total",
                "agent_info", "agent_killed", "agent_last_heartbeat_timestamp_seconds", "agent_memory_bytes",
                "agent_queue_depth", "agent_recovering", "agent_restarts_total", "agent_task_duration_seconds",
                "agent_task_progress_ratio",
                "agent_tasks_total", "agent_tokens_total", "agent_up",
            ])
        #expect(families.contains("process_resident_memory_bytes"))
        #expect(text.contains(#"agent_info{agent="a",agent_type="w",team="x\"y\\z\nw"} 1"#))
    }

    @Test func twoScrapesOfTheSameFleetAreByteIdentical() throws {
        let api = try APIFixture()
        for name in ["b", "a", "c"] { _ = api.send("POST", "/api/v1/heartbeat", "{\"agent\": \"\(name)\"}") }
        let fleetOnly = { () -> String in
            api.send("GET", "/metrics").text
                .split(separator: "\n").filter { !$0.contains("process_") }.joined(separator: "\n")
        }
        #expect(fleetOnly() == fleetOnly())
        let upLines = fleetOnly().split(separator: "\n").filter { $0.hasPrefix("agent_up{") }
        #expect(upLines == [#"agent_up{agent="a"} 1"#, #"agent_up{agent="b"} 1"#, #"agent_up{agent="c"} 1"#])
    }

    @Test func theHealthOneHotFollowsTheManualClock() throws {
        let api = try APIFixture()
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "a", "interval_seconds": 10}"#)
        api.clock.advance(by: 31)
        var text = api.send("GET", "/metrics").text
        #expect(text.contains(#"agent_health{agent="a",state="degraded"} 1"#))
        #expect(text.contains(#"agent_health{agent="a",state="healthy"} 0"#))
        #expect(text.contains(#"heartbeat_exporter_agents{state="degraded"} 1"#))
        api.clock.advance(by: 70)
        text = api.send("GET", "/metrics").text
        #expect(text.contains(#"agent_health{agent="a",state="unreachable"} 1"#))
        #expect(text.contains(#"agent_up{agent="a"} 0"#))
    }
}
