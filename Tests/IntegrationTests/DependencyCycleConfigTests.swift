import Foundation
import JSON
import Testing
import TestSupport

/// A `dependencies:` entry closing a cycle with what agents declared in their beats, with the real binary: SIGHUP
/// keeps the configuration in force and logs why; after a restart (the declarations come back from storage) the
/// exporter refuses to start, naming the entry and the cycle.
@Suite(.serialized)
struct DependencyCycleConfigTests {
    static let cyclic = """
        dependencies:
          - matchers: ['agent="planner"']
            depends_on: [w1]

        """
    static let message =
        ":2:5: dependencies[0].depends_on: would close a dependency cycle: planner → w1 → planner "
        + "(declared in heartbeats: w1 → planner)"

    @Test func aReloadBySIGHUPIsRefusedAndARestartDoesNotBegin() async throws {
        let directory = TestPaths.temporaryDirectory("dependency-cycle")
        let config = directory + "/hx.yml"
        try "dependencies: []\n".write(toFile: config, atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", config])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(
            try await client.post("/api/v1/heartbeat", #"{"agent": "w1", "depends_on": ["planner"]}"#).status == 202)

        try Self.cyclic.write(toFile: config, atomically: true, encoding: .utf8)
        exporter.send(SIGHUP)
        try await waitUntil("SIGHUP's refused reload is logged") {
            exporter.logText.contains("configuration reload failed")
        }
        #expect(exporter.logText.contains(config + Self.message), "\(exporter.logText)")
        let planner = try await client.get("/api/v1/agents/w1").data.objectValue?["dependencies"]?.objectValue
        #expect(planner?["depends_on"]?.arrayValue?.compactMap(\.stringValue) == ["planner"])
        #expect(await exporter.terminate() == 0)

        let refused = try await ExternalTool.run(
            ExporterProcess.binary,
            [
                "serve", "--config.file", config, "--storage.path", exporter.storagePath,
                "--web.listen-address", "127.0.0.1:0",
            ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains(config + Self.message), "\(refused.stderr)")

        // Offline, the file alone has no cycle: the check passes and says what it could not judge.
        let checked = try await ExternalTool.run(ExporterProcess.binary, ["config", "check", config])
        #expect(checked.status == 0, "\(checked.stdout)")
        #expect(
            checked.stdout.contains("NOTE: 1 dependencies entries have no cycle among themselves"), "\(checked.stdout)")
    }
}
