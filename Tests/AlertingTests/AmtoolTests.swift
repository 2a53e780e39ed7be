import Model
import Alerting
import Model
import Foundation
import PromQL
import Synchronization
import Testing
import TestSupport

/// Silences shared between the test and its server thread.
final class SharedSilences: Sendable {
    /// Protects the store.
    let store = Mutex(SilenceStore())
}

/// The real `amtool` 0.25 against a tiny server that answers with this module's API v2 bodies and keeps
/// silences in a ``SilenceStore``. Skipped where amtool is not installed.
struct AmtoolTests {
    static let amtool = "/usr/bin/amtool"
    static let alert = Alert(
        labels: labels("alertname=AgentDown,agent=order-1"),
        startsAt: Timestamp(seconds: 1_764_000_000),
        endsAt: Timestamp(seconds: 4_102_444_800), updatedAt: Timestamp(seconds: 1_764_000_000))

    /// Answers the endpoints amtool calls; silences live in `store`.
    static func handle(_ request: LocalHTTPServer.Request, _ shared: SharedSilences) -> (status: Int, body: [UInt8]) {
        let now = SystemClock().now()
        let parts = request.requestLine.split(separator: " ")
        let method = parts.first.map(String.init) ?? "", path = parts.count > 1 ? String(parts[1]) : ""
        switch (method, path) {
        case ("GET", let p) where p.hasPrefix("/api/v2/status"):
            return (
                200,
                AlertmanagerStatus(configOriginal: "route: {receiver: r}\n", startedAt: now, version: "0.1.0").encoded()
            )
        case ("GET", let p) where p.hasPrefix("/api/v2/silences"):
            return (200, APIv2Encoding.silences(shared.store.withLock { $0.list(at: now) }, at: now))
        case ("POST", "/api/v2/silences"):
            do {
                let silence = try APIv2Decoding.postableSilence(request.body)
                let stored = try shared.store.withLock { store throws(SilenceError) in try store.post(silence, at: now)
                }
                return (200, APIv2Encoding.postedSilence(id: stored.id))
            } catch {
                return (400, Array("\"\(error)\"".utf8))
            }
        case ("DELETE", let p) where p.hasPrefix("/api/v2/silence/"):
            let id = String(p.dropFirst("/api/v2/silence/".count))
            let expired =
                (try? shared.store.withLock { store throws(SilenceError) in try store.expire(id: id, at: now) }) != nil
            return expired ? (200, []) : (404, [])
        case ("GET", let p) where p.hasPrefix("/api/v2/alerts"):
            let status = AlertStatus.of(
                alert.labels, silences: shared.store.withLock { $0 }, inhibition: .none, at: now)
            return (200, APIv2Encoding.alerts([(alert, status, ["r"])]))
        default:
            return (404, [])
        }
    }

    /// Runs amtool against the server on `port`, on a thread of its own (`offPool`): its run and exit are waited
    /// for there, not on one of the test process's pool threads.
    static func run(_ arguments: [String], port: UInt16) async throws -> (status: Int32, output: String, errors: String)
    {
        try await offPool("amtool") { try runBlocking(arguments, port: port) }
    }

    private static func runBlocking(_ arguments: [String], port: UInt16) throws -> (
        status: Int32, output: String, errors: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: amtool)
        process.arguments = ["--alertmanager.url=http://127.0.0.1:\(port)"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaints = errors.fileHandleForReading.readDataToEndOfFile()
        // On the thread that started it: no spin (see `Process.exitStatus()`), and the run loop it runs releases
        // the process and its files.
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: printed, as: UTF8.self),
            String(decoding: complaints, as: UTF8.self)
        )
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/amtool")))
    func amtoolAddsQueriesAndExpiresSilences() async throws {
        let shared = SharedSilences()
        let server = try LocalHTTPServer(handler: { request in Self.handle(request, shared) })
        defer { server.stop() }

        let added = try await Self.run(
            [
                "silence", "add", "agent=~order-.*", "--comment=maintenance", "--author=ops",
                "--duration=1h",
            ], port: server.port)
        #expect(added.status == 0)
        let id = added.output.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines)
        #expect(
            shared.store.withLock { $0.silence(id: id)?.matchers } == [
                try LabelMatcher.alertmanager(.regexMatch, "agent", "order-.*")
            ])

        let query = try await Self.run(["silence", "query", "-o", "json"], port: server.port)
        #expect(query.status == 0)
        #expect(query.output.contains(id))

        let alerts = try await Self.run(["alert", "query", "-o", "json"], port: server.port)
        #expect(alerts.status == 0)
        #expect(alerts.output.contains(Self.alert.fingerprint.description))
        #expect(alerts.output.contains(id))  // silencedBy

        let expired = try await Self.run(["silence", "expire", id], port: server.port)
        #expect(expired.status == 0)
        let now = SystemClock().now()
        #expect(shared.store.withLock { $0.silence(id: id)?.state(at: now + .seconds(0.01)) } == .expired)

        let refused = try await Self.run(["silence", "add", "agent=~.*", "--comment=everything"], port: server.port)
        #expect(refused.status != 0)
        #expect(refused.errors.contains("at least one matcher must not match the empty string"))
        #expect(added.errors.contains("amtool version (0.25.0) and alertmanager version (0.1.0) are different"))
    }
}
