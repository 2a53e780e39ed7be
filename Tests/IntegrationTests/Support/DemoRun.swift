import Foundation
import JSON
import TestSupport

/// One alert as the demo tests tell them apart: its name and the agent it is about ("" for none).
struct AlertKey: Hashable, Sendable, CustomStringConvertible {
    var alertname: String
    var agent: String

    init(_ alertname: String, _ agent: String = "") {
        self.alertname = alertname
        self.agent = agent
    }

    var description: String { agent.isEmpty ? alertname : "\(alertname){agent=\(agent)}" }
}

/// What `GET /api/v1/alerts` showed while the demo ran.
struct AlertTimeline: Sendable {
    /// When each alert was first seen firing, from the start of the watch.
    var firstFiring: [AlertKey: Duration] = [:]
    /// Every alert seen pending or firing.
    var seen: Set<AlertKey> = []
}

/// `heartbeat-exporter demo` end to end: an exporter started with a copy of `examples/demo/` (configuration
/// and time-compressed rules, its webhook pointed at the test's listener), and the demo command run against it
/// as its own process. Both are stopped by PID.
final class DemoRun {
    let directory = TestPaths.temporaryDirectory("demo-e2e")
    let exporter: ExporterProcess
    let http: HTTPTestClient
    private let demo = Process()
    private var outputPath: String { directory + "/demo.out" }

    /// The webhook URL of `examples/demo/heartbeat-exporter.yml`, replaced by the test's listener.
    static let exampleWebhook = "http://127.0.0.1:5001/alerts"
    /// The restart spool of the example's recovery ladder, replaced by one of the test's own.
    static let exampleSpool = "/tmp/heartbeat-exporter-demo"

    /// - Parameter extraConfiguration: YAML appended to the example's configuration (a section it lacks).
    init(duration: String = "150s", webhook: URL, extraConfiguration: String = "") async throws {
        let source = TestPaths.packageRoot.appendingPathComponent("examples/demo").path
        try FileManager.default.copyItem(atPath: source, toPath: directory + "/demo")
        let config = directory + "/demo/heartbeat-exporter.yml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        guard text.contains(Self.exampleWebhook), text.contains(Self.exampleSpool) else {
            throw TestFailure("the demo config no longer names \(Self.exampleWebhook) and \(Self.exampleSpool)")
        }
        let spool = directory + "/spool"
        try text.replacingOccurrences(of: Self.exampleWebhook, with: webhook.absoluteString)
            .replacingOccurrences(of: Self.exampleSpool, with: spool)
            .appending(extraConfiguration.isEmpty ? "" : "\n" + extraConfiguration + "\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        exporter = try await ExporterProcess(arguments: ["--config.file", config])
        http = HTTPTestClient(baseURL: exporter.baseURL)
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = FileHandle(forWritingAtPath: outputPath)
        demo.executableURL = URL(fileURLWithPath: ExporterProcess.binary)
        demo.arguments = ["demo", "--url", exporter.baseURL, "--duration", duration, "--restart-spool", spool]
        demo.standardOutput = output
        demo.standardError = output
        try demo.run()
    }

    /// What the demo printed so far.
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Polls the exporter's alerts until each of `expected` has been seen firing; throws after `timeout`
    /// with what was missing and the demo's output.
    ///
    /// The demo polls `GET /api/v1/alerts` too, from its own process, and prints each alert that fires; those
    /// lines count as well, so that a short firing period is not missed while this test process is busy with
    /// the other tests running beside it.
    func watchAlerts(until expected: Set<AlertKey>, timeout: Duration) async throws -> AlertTimeline {
        let clock = ContinuousClock()
        let start = clock.now
        var timeline = AlertTimeline()
        while start.duration(to: clock.now) < timeout {
            let polled = try await alerts()
            let printed = Dictionary(firingPrintedByDemo().map { ($0, "firing") }) { first, _ in first }
            for (key, state) in polled.merging(printed, uniquingKeysWith: { polled, _ in polled }) {
                timeline.seen.insert(key)
                if state == "firing", timeline.firstFiring[key] == nil {
                    timeline.firstFiring[key] = start.duration(to: clock.now)
                }
            }
            if expected.isSubset(of: timeline.firstFiring.keys) { return timeline }
            try await Task.sleep(for: .milliseconds(500))
        }
        let missing = expected.subtracting(timeline.firstFiring.keys).map(\.description).sorted()
        throw TestFailure("never fired within \(timeout): \(missing)\ndemo output:\n\(output)")
    }

    /// The pending and firing alerts now.
    func alerts() async throws -> [AlertKey: String] {
        let alerts = try await http.get("/api/v1/alerts").data.objectValue?["alerts"]?.arrayValue ?? []
        var states: [AlertKey: String] = [:]
        for alert in alerts {
            let labels = alert.objectValue?["labels"]?.objectValue
            guard let name = labels?["alertname"]?.stringValue, let state = alert.objectValue?["state"]?.stringValue
            else { continue }
            states[AlertKey(name, labels?["agent"]?.stringValue ?? "")] = state
        }
        return states
    }

    /// The alerts the demo printed as firing: lines `[ 27s] alert: NAME {agent=AGENT} FIRING …`.
    func firingPrintedByDemo() -> [AlertKey] {
        output.split(separator: "\n").compactMap { line in
            guard let start = line.range(of: "] alert: "), let end = line.range(of: " FIRING") else { return nil }
            let words = line[start.upperBound..<end.lowerBound].split(separator: " ", maxSplits: 1)
            guard let name = words.first else { return nil }
            let agent = words.dropFirst().first.map { $0.replacingOccurrences(of: "{agent=", with: "").dropLast() }
            return AlertKey(String(name), agent.map(String.init) ?? "")
        }
    }

    /// `GET /api/v2/alerts`: each alert with its API v2 status object.
    func routedAlerts() async throws -> [AlertKey: JSONObject] {
        var statuses: [AlertKey: JSONObject] = [:]
        for alert in try await http.get("/api/v2/alerts").json.arrayValue ?? [] {
            let labels = alert.objectValue?["labels"]?.objectValue
            guard let name = labels?["alertname"]?.stringValue, let status = alert.objectValue?["status"]?.objectValue
            else { continue }
            statuses[AlertKey(name, labels?["agent"]?.stringValue ?? "")] = status
        }
        return statuses
    }

    /// An agent's state as the exporter reports it.
    func state(of agent: String) async throws -> String? {
        try await http.get("/api/v1/agents/\(agent)").data.objectValue?["state"]?.stringValue
    }

    /// SIGTERM to the demo, as Ctrl-C would: its live agents deregister. Waits for the exit; its status.
    func interruptDemo() async -> Int32 {
        guard demo.isRunning else { return demo.terminationStatus }
        kill(demo.processIdentifier, SIGTERM)
        return await demo.exitStatus()
    }

    deinit {
        detachedOffPool("demo-stop") { [demo, directory] in
            if demo.isRunning {
                kill(demo.processIdentifier, SIGKILL)
                demo.waitForExit()
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
