import Foundation
import JSON
import Testing
import TestSupport

/// `heartbeat-exporter ack [query]|add|delete` against the real binary, shaped as amtool's `silence` commands:
/// `-o simple|extended|json`, `-q` for the IDs alone, matchers filtering the list, errors naming what failed.
@Suite(.serialized)
struct AckCommandTests {
    @Test func acknowledgementsAreAddedListedAndDeleted() async throws {
        let config = try CompressedTimeConfig.write("ack-cli")
        let exporter = try await ExporterProcess(arguments: ["--config.file", config])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let cli = { (arguments: [String]) async throws -> ExternalTool.Result in
            try await ExternalTool.run(
                ExporterProcess.binary, ["ack"] + arguments, environment: ["HEARTBEAT_EXPORTER_URL": exporter.baseURL])
        }
        for agent in ["w1", "w2"] {
            #expect(try await client.post("/api/v1/heartbeat", #"{"agent": "\#(agent)"}"#).status == 202)
        }
        try await waitUntil("both agents' alerts fire") {
            (try await client.get("/api/v2/alerts").json.arrayValue ?? []).count == 2
        }

        let first = try await cli(["add", "agent=w1", "--comment", "restarting it", "--author", "alice"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasSuffix(" (1 firing alert acknowledged)\n"), "\(first.stdout)")
        let id1 = String(first.stdout.prefix { $0 != " " })
        let second = try await cli(["add", "agent=w2", "--comment", "looking", "--author", "bob", "--duration", "1h"])
        #expect(second.status == 0, "\(second.stderr)")
        let id2 = String(second.stdout.prefix { $0 != " " })

        let simple = try await cli([])
        #expect(simple.status == 0, "\(simple.stderr)")
        let lines = simple.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(simple.stdout)")
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true).first == "ID")
        #expect(lines.first?.contains("MATCHERS") == true && lines.first?.contains("ENDS AT") == true)
        #expect(lines.first?.contains("ALERTS") == false, "simple: amtool's columns only")
        let row1 = try #require(lines.first { $0.hasPrefix(id1) })
        #expect(row1.contains(#"agent="w1""#) && row1.contains("when resolved") && row1.contains("alice"), "\(row1)")
        #expect(row1.hasSuffix("restarting it"), "\(row1)")
        let row2 = try #require(lines.first { $0.hasPrefix(id2) })
        #expect(row2.contains("bob") && !row2.contains("when resolved"), "ends in an hour: \(row2)")

        let extended = try await cli(["query", "-o", "extended"])
        #expect(extended.stdout.hasPrefix("ID"), "\(extended.stdout)")
        #expect(extended.stdout.contains("ALERTS") && extended.stdout.contains("CREATED AT"), "\(extended.stdout)")

        let json = try await cli(["list", "--output", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let listed = try JSONParser.parse(Array(json.stdout.utf8)).arrayValue ?? []
        #expect(listed.compactMap { $0.objectValue?["id"]?.stringValue } == [id1, id2])
        #expect(listed.first?.objectValue?["createdBy"]?.stringValue == "alice")
        #expect(listed.first?.objectValue?["alerts"]?.numberValue == 1)

        let filtered = try await cli(["query", "-q", "agent=w2"])
        #expect(filtered.stdout == id2 + "\n", "\(filtered.stdout)")

        let deleted = try await cli(["delete", id1])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.isEmpty, "\(deleted.stdout)")
        #expect(try await cli(["-q"]).stdout == id2 + "\n")

        let unknown = try await cli(["delete", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == #"error: HTTP 404: acknowledgement "nope" not found"# + "\n", "\(unknown.stderr)")
        let nothing = try await cli(["add", "agent=w9", "--comment", "x"])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains(#"no firing alert matches {agent="w9"}"#), "\(nothing.stderr)")
        let badFormat = try await cli(["query", "-o", "yaml"])
        #expect(badFormat.status == 64, "\(badFormat.stderr)")
        #expect(await exporter.terminate() == 0)
    }
}
