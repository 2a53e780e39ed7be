import Foundation
import JSON
import Testing
import TestSupport

/// The alert history end to end: the real binary, a webhook listener, `kill -9` and a restart on the same storage;
/// the API and the CLI list the episode and the notifications from before the crash, with durations that add up.
@Suite(.serialized)
struct AlertHistoryEndToEndTests {
    static let rules = """
        groups:
          - name: health
            interval: 1s
            rules:
              - alert: AgentUnreachable
                expr: agent_health{state="unreachable"} == 1
                for: 2s
        """

    /// The episodes of `AgentUnreachable` for `w1`.
    static func episodes(_ client: HTTPTestClient) async throws -> [JSONObject] {
        let reply = try await client.get("/api/v1/alerts/history?match%5B%5D=%7Bagent%3D%22w1%22%7D")
        return (reply.data.objectValue?["episodes"]?.arrayValue ?? []).compactMap(\.objectValue).filter {
            $0["labels"]?.objectValue?["alertname"]?.stringValue == "AgentUnreachable"
        }
    }

    static func seconds(_ text: String?) -> Double {
        guard let text else { return .nan }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970 ?? .nan
    }

    @Test func historyAfterKillNineAndRestartListsTheEpisodeAndNotificationsWithCorrectDurations() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let config = try CompressedTimeConfig.write(
            "history-e2e", rules: Self.rules,
            extra: """
                route: {receiver: hook, group_by: [alertname, agent], group_wait: 1s, group_interval: 1s, repeat_interval: 1h}
                receivers:
                  - name: hook
                    webhook_configs: [{url: '\(listener.url.absoluteString)'}]
                history: {retention: 7d}
                """)
        let arguments = ["--config.file", config]
        let first = try await ExporterProcess(arguments: arguments)
        let client = HTTPTestClient(baseURL: first.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", #"{"agent": "w1"}"#).status == 202)
        try await waitUntil("the firing alert is notified") { !listener.requests.isEmpty }
        try await waitUntil("the history holds the firing episode and the notification") {
            let notified = try await client.get("/api/v1/notifications").data.objectValue?["notifications"]
            return try await Self.episodes(client).first?["state"]?.stringValue == "firing"
                && notified?.arrayValue?.isEmpty == false
        }
        try await Task.sleep(for: .seconds(1))  // the maintenance thread's next write
        let killedAt = Date().timeIntervalSince1970
        await first.killHard()
        try await Task.sleep(for: .seconds(3))  // down: the alert still fires as far as its rule is concerned

        let second = try await ExporterProcess(storagePath: first.storagePath, arguments: arguments)
        let restarted = HTTPTestClient(baseURL: second.baseURL)
        // w1 keeps beating until its episode resolves: one beat would leave it healthy for only 2 s, and a loaded
        // machine may not evaluate the rule within them.
        try await waitUntil("the episode resolves") {
            #expect(try await restarted.post("/api/v1/heartbeat", #"{"agent": "w1"}"#).status == 202)
            return try await Self.episodes(restarted).contains {
                $0["state"]?.stringValue == "resolved" && Self.seconds($0["startsAt"]?.stringValue) < killedAt
            }
        }
        // Once w1 is silent again, a newer episode may follow; the one from before the crash is the only older one.
        let episodes = try await Self.episodes(restarted).filter {
            Self.seconds($0["startsAt"]?.stringValue) < killedAt
        }
        #expect(episodes.count == 1, "one episode, carried across the crash: \(episodes)")
        let episode = try #require(episodes.first)
        let started = Self.seconds(episode["startsAt"]?.stringValue)
        let fired = Self.seconds(episode["firedAt"]?.stringValue)
        let resolved = Self.seconds(episode["resolvedAt"]?.stringValue)
        #expect(started < fired && fired < killedAt && killedAt + 3 < resolved)
        let times = episode["secondsIn"]?.objectValue
        let pending = times?["pending"]?.numberValue ?? .nan
        let firing = times?["firing"]?.numberValue ?? .nan
        let duration = episode["durationSeconds"]?.numberValue ?? .nan
        #expect(abs(duration - (resolved - started)) < 0.01)
        #expect(abs(pending - (fired - started)) < 0.01, "pending \(pending)s, from start to firing")
        #expect(pending >= 2 && pending < 3.5, "the rule's for: 2s, evaluated every second: \(pending)")
        #expect(abs(firing - (resolved - fired)) < 0.01, "firing \(firing)s, the downtime included")
        #expect(abs(pending + firing - duration) < 0.01)

        let notifications =
            try await restarted.get("/api/v1/notifications?limit=1000").data.objectValue?[
                "notifications"]?.arrayValue ?? []
        let beforeCrash = notifications.compactMap(\.objectValue).filter {
            Self.seconds($0["time"]?.stringValue) < killedAt
        }
        #expect(beforeCrash.count == 1, "the firing notification, from before the crash: \(notifications)")
        #expect(beforeCrash.first?["receiver"]?.stringValue == "hook")
        #expect(beforeCrash.first?["status"]?.stringValue == "firing")
        #expect(beforeCrash.first?["result"]?.stringValue == "success")
        #expect(beforeCrash.first?["attempt"]?.numberValue == 1)
        try await waitUntil("the resolution's notification is recorded too") {
            let all = try await restarted.get("/api/v1/notifications").data.objectValue?["notifications"]?.arrayValue
            return all?.contains { $0.objectValue?["status"]?.stringValue == "resolved" } == true
        }

        let cli = try await ExternalTool.run(
            ExporterProcess.binary, ["alerts", "history", "--since", "1h", "agent=w1"],
            environment: ["HEARTBEAT_EXPORTER_URL": second.baseURL])
        #expect(cli.status == 0, "\(cli.stderr)")
        // w1 beat once after the restart: by now it may be silent again, in a newer episode listed first.
        let rows = cli.stdout.split(separator: "\n").filter { $0.contains("AgentUnreachable") }
        #expect(rows.contains { $0.contains("w1") && $0.contains("resolved") }, "\(cli.stdout)")
        #expect(cli.stdout.hasPrefix("STARTED"), "\(cli.stdout)")
        let sent = try await ExternalTool.run(
            ExporterProcess.binary, ["alerts", "history", "--notifications", "agent=w1"],
            environment: ["HEARTBEAT_EXPORTER_URL": second.baseURL])
        #expect(sent.stdout.contains("hook") && sent.stdout.contains("success"), "\(sent.stdout)")
        let bad = try await ExternalTool.run(
            ExporterProcess.binary, ["alerts", "history", "--since", "yesterday"],
            environment: ["HEARTBEAT_EXPORTER_URL": second.baseURL])
        #expect(bad.status != 0 && bad.stderr.contains("since"), "\(bad.stderr)")
        await second.terminate()
    }
}
