import Foundation
import JSON
import TestSupport

/// A real Prometheus (Debian package `prometheus`) scraping one target every second, on a free loopback port.
final class PrometheusProcess: @unchecked Sendable {
    // @unchecked: every stored property is set in `init` and never changed.
    let process = Process()
    let port: UInt16
    let directory = TestPaths.temporaryDirectory("prometheus")

    /// Starts Prometheus scraping `scrapeTarget` (several, comma-separated, as `127.0.0.1:P,localhost:P`: each its
    /// own `instance`); `ruleFiles` (paths or globs) are evaluated every second, and
    /// their alerts sent to the Alertmanager at `alertmanagerTarget` (`host:port`) when one is given.
    /// `scrapeSettings` are extra keys of the scrape job (one per line, e.g. `scheme: https`).
    init(
        scrapeTarget: String, ruleFiles: [String] = [], alertmanagerTarget: String? = nil, scrapeSettings: [String] = []
    ) throws {
        port = try FreePort.pick()
        let rules = ruleFiles.map { "'\($0)'" }.joined(separator: ", ")
        let alerting = alertmanagerTarget.map {
            "alerting: {alertmanagers: [{static_configs: [{targets: ['\($0)']}]}]}"
        }
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files: [\(rules)]
            \(alerting ?? "")
            scrape_configs:
              - job_name: heartbeat-exporter
            \(scrapeSettings.map { "    \($0)\n" }.joined())    static_configs:
                  - targets: [\(scrapeTarget.split(separator: ",").map { "'\($0)'" }.joined(separator: ", "))]
            """
        let configPath = directory + "/prometheus.yml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: try ExternalTool.path("prometheus"))
        process.arguments = [
            "--config.file=\(configPath)", "--storage.tsdb.path=\(directory)/tsdb",
            "--web.listen-address=127.0.0.1:\(port)", "--web.external-url=http://127.0.0.1:\(port)", "--log.level=warn",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
    }

    var client: HTTPTestClient { HTTPTestClient(baseURL: "http://127.0.0.1:\(port)") }

    /// Waits until the API answers.
    func waitUntilReady() async throws {
        try await IntegrationTests.waitUntilReady(process, baseURL: "http://127.0.0.1:\(port)", name: "prometheus")
    }

    /// Runs an instant query until `accept` holds for its result vector, or `timeout` seconds pass.
    func waitForQuery(
        _ query: String, timeout: Double = 60,
        until accept: ([(labels: [String: String], value: String)]) -> Bool
    ) async throws
        -> [(labels: [String: String], value: String)]
    {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [(labels: [String: String], value: String)] = []
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        while Date() < deadline {
            if let reply = try? await client.get("/api/v1/query?query=\(encoded)"), reply.status == 200 {
                last = Self.vector(reply.data)
                if accept(last) { return last }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw TestFailure("query \(query) never gave the expected result; last: \(last)")
    }

    private static func vector(_ data: JSONValue) -> [(labels: [String: String], value: String)] {
        (data.objectValue?["result"]?.arrayValue ?? []).compactMap { item in
            guard let object = item.objectValue, let metric = object["metric"]?.objectValue,
                let value = object["value"]?.arrayValue, value.count == 2, let text = value[1].stringValue
            else {
                return nil
            }
            var labels: [String: String] = [:]
            for (key, value) in metric.members { labels[key] = value.stringValue }
            return (labels, text)
        }
    }

    /// Stops it with SIGTERM and removes its folder once it has exited, on a thread of its own: a release does
    /// not block the test process's pool threads.
    deinit {
        detachedOffPool("prometheus-stop") { [process, directory] in
            if process.isRunning {
                kill(process.processIdentifier, SIGTERM)
                process.waitForExit()
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}

/// Free TCP ports on loopback, found by binding port 0 and reading what the kernel chose.
enum FreePort {
    static func pick() throws -> UInt16 {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw TestFailure("socket() failed") }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socketDescriptor, socketAddress, length) == 0
                    && getsockname(socketDescriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw TestFailure("cannot bind a loopback port") }
        return UInt16(bigEndian: address.sin_port)
    }
}
