import Foundation
import JSON
import TestSupport
import Testing

/// The real binary on a real PostgreSQL (`--storage.postgres.dsn-file`): what an operator did survives a restart,
/// kept in PostgreSQL and not in the SQLite folder, and a bad connection string stops the start with a clear message.
@Suite(.serialized)
struct PostgresStorageIntegrationTests {
    /// A file holding `connectionString`, as an operator would write it.
    static func dsnFile(_ connectionString: String) throws -> String {
        let file = TestPaths.temporaryDirectory("dsn") + "/postgres.dsn"
        try (connectionString + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func agentsKillStateAndSilencesSurviveARestartOnPostgreSQL() async throws {
        let postgres = try PostgresServer()
        let dsn = try Self.dsnFile(postgres.connectionString)
        let first = try await ExporterProcess(arguments: ["--storage.postgres.dsn-file", dsn])
        let client = HTTPTestClient(baseURL: first.baseURL)
        for seq in 1...3 {
            for agent in ["pg-a", "pg-b"] {
                let beat = HTTPTestClient.beat(
                    agent, run: "run-\(agent)", seq: seq, extra: #""tasks": [{"success": true, "cost_usd": 0.5}]"#)
                #expect(try await client.post("/api/v1/heartbeat", beat).status == 202)
            }
        }
        let kill = try await client.post("/api/v1/agents/pg-a/kill", #"{"reason": "runaway", "by": "ops"}"#)
        #expect(kill.status == 200)
        let silence = """
            {"matchers": [{"name": "agent", "value": "pg-b", "isRegex": false}], "startsAt": "2020-01-01T00:00:00Z",
             "endsAt": "2100-01-01T00:00:00Z", "createdBy": "ops", "comment": "maintenance"}
            """
        let added = try await client.post("/api/v2/silences", silence)
        #expect(added.status == 200)
        let silenceID = try #require(added.json.objectValue?["silenceID"]?.stringValue)
        #expect(await first.terminate() == 0)

        // Another SQLite folder: whatever comes back came from PostgreSQL.
        let second = try await ExporterProcess(arguments: ["--storage.postgres.dsn-file", dsn])
        #expect(second.storagePath != first.storagePath)
        #expect(second.logText.contains("location=postgresql://postgres@127.0.0.1:\(postgres.port)/postgres"))
        let after = HTTPTestClient(baseURL: second.baseURL)
        let killed = try await after.get("/api/v1/agents/pg-a")
        #expect(killed.data.objectValue?["state"]?.stringValue == "killed")
        #expect(killed.data.objectValue?["killed"]?.objectValue?["reason"]?.stringValue == "runaway")
        let other = try await after.get("/api/v1/agents/pg-b")
        #expect(other.data.objectValue?["metrics"]?.objectValue?["heartbeats_total"]?.numberValue == 3)
        #expect(other.data.objectValue?["metrics"]?.objectValue?["cost_usd_total"]?.numberValue == 1.5)
        let silences = try await after.get("/api/v2/silences")
        let ids = (silences.json.arrayValue ?? []).compactMap { $0.objectValue?["id"]?.stringValue }
        #expect(ids == [silenceID])
        // The killed agent is told so in the reply to its next beat, and a retried beat is still not counted again.
        let beat = try await after.post("/api/v1/heartbeat", HTTPTestClient.beat("pg-a", run: "run-pg-a", seq: 4))
        #expect(beat.data.objectValue?["killed"] == .bool(true))
        let retry = try await after.post("/api/v1/heartbeat", HTTPTestClient.beat("pg-b", run: "run-pg-b", seq: 3))
        #expect(retry.data.objectValue?["duplicate"] == .bool(true))
        #expect(await second.terminate() == 0)
    }

    @Test func aServerThatCannotBeReachedStopsTheStartNamingItWithoutThePassword() async throws {
        let port = try PostgresServer.unusedPort()
        let dsn = try Self.dsnFile("host=127.0.0.1 port=\(port) user=exporter password=hunter2 dbname=fleet")
        var text = ""
        do {
            _ = try await ExporterProcess(arguments: ["--storage.postgres.dsn-file", dsn])
        } catch {
            text = "\(error)"
        }
        #expect(text.contains("cannot connect to PostgreSQL") && text.contains("127.0.0.1:\(port)"), "\(text)")
        #expect(!text.contains("hunter2"))
    }
}
