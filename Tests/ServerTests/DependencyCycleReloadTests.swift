import Foundation
import JSON
@testable import Server
import Testing
import TestSupport

/// A `dependencies:` entry that closes a cycle through the dependencies agents declared in their beats: a reload is
/// refused, naming the entry and the cycle, and the configuration in force stays; a start with it does not begin.
struct DependencyCycleReloadTests {
    static let inForce = """
        dependencies:
          - matchers: ['agent="w1"']
            depends_on: [db]

        """
    static let cyclic =
        inForce + """
              - matchers: ['agent="planner"']
                depends_on: [w1]

            """

    func dependsOn(_ api: APIFixture, _ agent: String) -> [String] {
        let dependencies = api.send("GET", "/api/v1/agents/\(agent)").data.objectValue?["dependencies"]
        return (dependencies?.objectValue?["depends_on"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    @Test func aReloadClosingACycleWithABeatsDeclarationIsRefusedAndTheOldConfigurationStays() throws {
        let api = try APIFixture(config: Self.inForce)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "planner"}"#).status == 202)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "w1", "depends_on": ["planner"]}"#).status == 202)
        #expect(dependsOn(api, "w1") == ["planner", "db"])

        try Self.cyclic.write(toFile: api.configFile, atomically: true, encoding: .utf8)
        let refused = api.send("POST", "/-/reload")
        #expect(refused.status == 400)
        #expect(
            refused.text
                == "failed to reload config: \(api.configFile):4:5: dependencies[1].depends_on: would close a "
                + "dependency cycle: planner → w1 → planner (declared in heartbeats: w1 → planner)\n")
        #expect(api.registry.currentConfiguration.dependencyRules.count == 1, "the configuration in force stays")
        #expect(dependsOn(api, "planner") == [])
        #expect(api.exporter.reload() != nil, "SIGHUP's reload is refused the same way")
        #expect(api.send("GET", "/metrics").text.contains("heartbeat_exporter_config_last_reload_successful 0\n"))
    }

    @Test func aStartWithSuchAConfigurationIsRefusedWithTheSameMessage() throws {
        let api = try APIFixture(config: Self.inForce)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "w1", "depends_on": ["planner"]}"#).status == 202)
        api.exporter.runMaintenance()
        do {
            _ = try APIFixture(config: Self.cyclic, clock: api.clock, storage: api.storage)
            Issue.record("the exporter started with a configuration closing a cycle")
        } catch {
            #expect(
                "\(error)".hasSuffix(
                    ":4:5: dependencies[1].depends_on: would close a dependency cycle: planner → w1 → planner "
                        + "(declared in heartbeats: w1 → planner)"), "\(error)")
        }
        #expect(try APIFixture(config: Self.inForce, clock: api.clock, storage: api.storage).registry.count == 1)
    }

    @Test func aCycleThroughTheLabelsAgentsHaveNowIsRefusedToo() throws {
        let api = try APIFixture()
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "planner", "agent_type": "worker"}"#).status == 202)
        try """
        dependencies:
          - matchers: ['agent_type="worker"']
            depends_on: [planner]

        """.write(toFile: api.configFile, atomically: true, encoding: .utf8)
        let refused = api.send("POST", "/-/reload")
        #expect(refused.status == 400)
        #expect(
            refused.text.hasSuffix("dependencies[0].depends_on: would close a dependency cycle: planner → planner\n"))
    }
}
