import Fleet
import JSON
import Model
import Testing
import TestSupport

/// Dependencies through the HTTP API: declared in beats, refused when they close a cycle (422 naming the field and
/// the cycle), and shown around each agent by `GET /api/v1/agents/{agent}`.
struct DependenciesAPITests {
    func dependencies(_ api: APIFixture, _ agent: String) -> JSONObject? {
        api.send("GET", "/api/v1/agents/\(agent)").data.objectValue?["dependencies"]?.objectValue
    }

    func names(_ object: JSONObject?, _ key: String) -> [String] {
        (object?[key]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    @Test func theGraphAroundAnAgentIsShownWithTheRootCauseWhileItsDependencyIsDown() throws {
        let api = try APIFixture()
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "planner"}"#).status == 202)
        for worker in ["w1", "w2"] {
            let beat = #"{"agent": "\#(worker)", "depends_on": ["planner"]}"#
            #expect(api.send("POST", "/api/v1/heartbeat", beat).status == 202)
        }
        #expect(names(dependencies(api, "w1"), "depends_on") == ["planner"])
        #expect(dependencies(api, "w1")?["root_cause"] == .null)
        #expect(names(dependencies(api, "planner"), "dependents") == ["w1", "w2"])

        _ = try api.registry.kill("planner", action: OperatorAction(reason: "", by: "alice", at: api.clock.now()))
        #expect(dependencies(api, "w1")?["root_cause"]?.stringValue == "planner")
        #expect(names(dependencies(api, "planner"), "muting") == ["w1", "w2"])
    }

    /// An operator's trial: `worker-10` was listed before `worker-9`, as strings sort.
    @Test func dependentsAndTheAgentsMutedAreListedInNaturalOrder() throws {
        let api = try APIFixture()
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "planner"}"#).status == 202)
        for worker in ["worker-10", "worker-9", "worker-1", "worker-100"] {
            let beat = #"{"agent": "\#(worker)", "depends_on": ["planner"]}"#
            #expect(api.send("POST", "/api/v1/heartbeat", beat).status == 202)
        }
        let natural = ["worker-1", "worker-9", "worker-10", "worker-100"]
        #expect(names(dependencies(api, "planner"), "dependents") == natural)
        _ = try api.registry.kill("planner", action: OperatorAction(reason: "", by: "alice", at: api.clock.now()))
        #expect(names(dependencies(api, "planner"), "muting") == natural)
        #expect(api.registry.dependencyMap().affectedSummary(of: "planner") == "4 (\(natural.joined(separator: ", ")))")
    }

    @Test func aBeatClosingACycleIsRefusedWith422NamingTheFieldAndTheCycle() throws {
        let api = try APIFixture()
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "a", "depends_on": ["b"]}"#).status == 202)
        let refused = api.send("POST", "/api/v1/heartbeat", #"{"agent": "b", "depends_on": ["a"]}"#)
        #expect(refused.status == 422)
        #expect(
            refused.json.objectValue?["error"]?.stringValue
                == #"field "depends_on": would close a dependency cycle: b → a → b"#)
        let batch = api.send("POST", "/api/v1/heartbeats", #"[{"agent": "c"}, {"agent": "b", "depends_on": ["a"]}]"#)
        let results = batch.data.objectValue?["results"]?.arrayValue ?? batch.data.arrayValue ?? []
        #expect(
            results.last?.objectValue?["error"]?.stringValue
                == #"field "[1].depends_on": would close a dependency cycle: b → a → b"#, "\(batch.json)")
        let over = #"{"agent": "b", "depends_on": [\#((1...17).map { "\"p\($0)\"" }.joined(separator: ","))]}"#
        let limited = api.send("POST", "/api/v1/heartbeat", over)
        #expect(limited.status == 422)
        #expect(limited.json.objectValue?["error"]?.stringValue == #"field "depends_on": at most 16 agents, got 17"#)
    }
}
