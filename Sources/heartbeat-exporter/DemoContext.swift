import Foundation
import HeartbeatClient
import Logging

/// What every simulated agent of the demo shares: the exporter, the demo's clock and deadline, its output.
struct DemoContext: Sendable {
    /// How a simulated agent's beat loop ended.
    enum LoopEnd: Sendable {
        /// The demo's time is up (or it was interrupted): the agent deregisters.
        case demoOver
        /// The agent's script ended it (a crash).
        case scripted
        /// A reply said the agent was killed.
        case killed
    }

    let exporter: URL
    let token: String?
    /// Carries the CA, client certificate and basic auth of the client options to every request.
    let transport: CurlTransport
    let prefix: String
    let duration: Duration
    let clock: ContinuousClock
    let start: ContinuousClock.Instant
    let interruption: DemoInterruption
    let clientLogger: Logger
    /// The demo's supervisor: where a recovery ladder's restart step asks it to start an agent again
    /// (`examples/demo/restart-agent.sh` writes `<restartSpool>/restart/<agent>`).
    let restartSpool: String

    init(
        exporter: URL, token: String?, credentials: ExporterCredentials = ExporterCredentials(), prefix: String,
        duration: Duration, interruption: DemoInterruption, restartSpool: String = DemoContext.defaultRestartSpool,
        clock: ContinuousClock = ContinuousClock()
    ) {
        self.exporter = exporter
        self.restartSpool = restartSpool
        transport = CurlTransport(credentials: credentials)
        self.interruption = interruption
        self.token = token
        self.prefix = prefix
        self.duration = duration
        self.clock = clock
        start = clock.now
        var logger = Logger(label: "heartbeat-client")
        logger.logLevel = .error
        clientLogger = logger
    }

    /// The spool `examples/demo/heartbeat-exporter.yml` passes to its restart script.
    static let defaultRestartSpool = "/tmp/heartbeat-exporter-demo"

    /// The file a restart request for `agent` is written to.
    func restartRequest(for agent: String) -> String { restartSpool + "/restart/" + agent }

    /// Waits until someone asks the supervisor to restart `agent` (the request is taken: the file is removed);
    /// false when the demo ends first.
    func awaitRestartRequest(for agent: String) async -> Bool {
        let request = restartRequest(for: agent)
        while running {
            if FileManager.default.fileExists(atPath: request) {
                try? FileManager.default.removeItem(atPath: request)
                return true
            }
            await pause(.milliseconds(250))
        }
        return false
    }

    /// Time since the demo started.
    var elapsed: Duration { start.duration(to: clock.now) }

    /// True while the demo goes on: before its deadline and not interrupted.
    var running: Bool { elapsed < duration && !interruption.isSet }

    /// Prints `[ 12s] who: what`.
    func say(_ who: String, _ what: String) {
        let seconds = Int(elapsed.components.seconds)
        let stamp = String(repeating: " ", count: max(0, 4 - String(seconds).count)) + "\(seconds)s"
        DemoOutput.line("[\(stamp)] \(who): \(what)")
    }

    /// A client for one simulated agent, beating every `interval` (sent as `interval_seconds`).
    /// `onKilled` replaces the client's default reaction to a kill (log and stop beating).
    func client(
        _ agent: String, type: String, interval: Duration,
        onKilled: (@Sendable (BeatReply) async -> Void)? = nil
    ) throws -> HeartbeatClient {
        try HeartbeatClient(
            url: exporter, agent: agent, agentType: type, labels: ["fleet": "demo"], token: token,
            host: "demo-host", interval: interval, transport: transport, logger: clientLogger, onKilled: onKilled)
    }

    /// Sleeps `pause`.
    func pause(_ pause: Duration) async {
        try? await clock.sleep(for: pause)
    }

    /// Sleeps until `offset` after the start of the demo, or until it ends.
    func wait(until offset: Duration) async {
        while running, elapsed < offset {
            await pause(min(offset - elapsed, .milliseconds(250)))
        }
    }

    /// Beats every `interval` while the demo runs. Before each beat, `prepare(beat, elapsed)` buffers what the
    /// agent did; it returns false to end the loop without beating (a crash). A reply saying the agent was killed
    /// ends the loop, unless the agent ignores kills.
    func beatLoop(
        _ client: HeartbeatClient, every interval: Duration, ignoringKills: Bool = false,
        _ prepare: (_ beat: Int, _ elapsed: Duration) async throws -> Bool
    ) async -> LoopEnd {
        var beat = 0
        let baseMemory = 120_000_000 + client.agent.utf8.reduce(0) { ($0 * 31 + Int($1)) % 80 } * 1_000_000
        while running {
            do {
                // What every agent reports; `prepare` may say otherwise (the stuck one's task never moves).
                await client.setCurrentTask("task \(beat + 1)", progress: Double(beat % 10) / 10)
                try await client.setGauges(memoryBytes: baseMemory + (beat % 5) * 2_000_000)
                guard try await prepare(beat, elapsed) else { return .scripted }
            } catch {
                say(client.agent, "stops: \(error)")
                return .scripted
            }
            if await client.beat()?.killed == true, !ignoringKills { return .killed }
            beat += 1
            await pause(interval)
        }
        return .demoOver
    }

    /// Deregisters an agent whose loop ended with the demo; a killed or crashed agent stays as it is.
    func finish(_ client: HeartbeatClient, _ end: LoopEnd) async {
        guard case .demoOver = end else { return }
        await client.stop(reason: "demo over")
    }

    /// Sends one request to the exporter; the status and body, or nil when it cannot be reached.
    func request(_ method: String, _ path: String, body: Data? = nil) async -> (status: Int, body: Data)? {
        let url = exporter.appendingPathComponent(path)
        guard let reply = try? await transport.send(method, url, body: body, token: token, timeout: .seconds(5)) else {
            return nil
        }
        return (reply.status, reply.body)
    }
}

/// The demo's output: each line written at once, so that it interleaves in order when piped.
enum DemoOutput {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
