import Foundation
import HTTP
import Logging
import Server
import TestSupport

extension FuzzTarget {
    /// The HTTP API in process: requests parsed from the input go through ``Exporter/handle(_:)`` (router, access
    /// checks, every endpoint) of a whole exporter on in-memory storage with a manual clock, as
    /// Tests/ServerTests/APIFixture builds one. Its configuration (``HTTPSetting/config``) has rules evaluated
    /// every second, a route, an inhibition rule and a webhook receiver, so heartbeats reach rules and alerts.
    ///
    /// The input is up to eight requests separated by NUL bytes, each written like HTTP/1.1:
    /// `METHOD TARGET` on the first line, `Name: value` header lines, an empty line, then the body. Two pseudo
    /// forms steer the harness: a header `X-Fuzz-Remote: ADDRESS` sets the peer's address (loopback otherwise),
    /// and a request `TICK SECONDS` advances the clock and runs one round of maintenance and rule evaluation.
    /// No request may be answered 500 (the in-memory storage never fails) or with a status outside 100...599.
    ///
    /// Every input gets a fresh exporter (with the rules only when the input has a `TICK`), so that an input reproduces alone and everything an input allocates
    /// is freed when it ends (a leak check across inputs would see the exporter's state as leaked: Swift keeps
    /// enum tags and string flags in pointer bits, which LeakSanitizer cannot follow).
    static let http = FuzzTarget(name: "http", setUp: { _ = httpSetting }) { bytes in
        let requests = bytes.split(separator: 0, omittingEmptySubsequences: false).prefix(8).compactMap(
            FuzzRequest.init)
        // Loading rules costs several times what the requests do: only inputs that evaluate them get them.
        let options = requests.contains { $0.method == "TICK" } ? httpSetting.withRules : httpSetting.plain
        let clock = ManualClock()
        guard let exporter = try? Exporter(options: options, parts: httpSetting.parts(clock)) else {
            fatalError("the exporter does not start with the fuzz configuration in \(options.configFile)")
        }
        for request in requests {
            if request.method == "TICK" {
                clock.advance(by: Double(request.target.prefix(6)).map { min(max($0, 0), 3_600) } ?? 1)
                exporter.runMaintenance()
                exporter.evaluateRules()
                continue
            }
            let response = exporter.handle(request.httpRequest)
            guard (100...599).contains(response.status), response.status != 500 else {
                fatalError(
                    "\(request.method) \(request.target) answered \(response.status): \(response.body.count) bytes")
            }
        }
    }

    /// The options the inputs' exporters are made with (written once: the configuration and rule files).
    private static let httpSetting = HTTPSetting()
}

/// The options and parts of the HTTP target's exporters.
private struct HTTPSetting: Sendable {
    /// An exporter with ``config`` and ``rules``.
    let withRules: ExporterOptions
    /// An exporter without a configuration file (built-in defaults: no rules, no routes).
    let plain: ExporterOptions

    /// The configuration: one rule group evaluated every second, Alertmanager's sections.
    static let config = """
        global:
          evaluation_interval: 1s
          external_labels: {fleet: fuzz}
        rule_files: [rules.yml]
        route:
          receiver: hook
          group_by: [alertname, agent]
          group_wait: 1s
          group_interval: 5s
          repeat_interval: 1h
          routes:
            - matchers: ['severity=~"crit.*"']
              receiver: hook
              continue: true
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [agent]
        receivers:
          - name: hook
            webhook_configs:
              - url: http://127.0.0.1:9/alerts
        """

    /// The rule file: a recording rule and alerts with templates, over the fleet's series.
    static let rules = """
        groups:
          - name: fuzz
            interval: 1s
            rules:
              - record: agent_type:agent_health:count
                expr: count by (agent_type, state) (agent_health == 1)
              - alert: AgentUnreachable
                expr: agent_health{state=~"unreachable|degraded"} == 1
                for: 2s
                labels: {severity: critical}
                annotations:
                  summary: "{{ $labels.agent }}{{ with $labels.agent_type }} ({{ . }}){{ end }} is {{ $labels.state }}"
              - alert: AgentRestarts
                expr: increase(agent_restarts_total[1m]) > 0
                labels: {severity: warning}
                annotations:
                  summary: "{{ $labels.agent }} restarted {{ $value | humanize }} times"
        """

    init() {
        let directory = NSTemporaryDirectory() + "heartbeat-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var options = ExporterOptions()
        options.listenAddress = "127.0.0.1:0"
        options.storagePath = directory
        options.configFile = directory + "/heartbeat-exporter.yml"
        options.configFileRequired = true
        options.maxAgents = 64
        do {
            try Self.config.write(toFile: options.configFile, atomically: true, encoding: .utf8)
            try Self.rules.write(toFile: directory + "/rules.yml", atomically: true, encoding: .utf8)
        } catch {
            fatalError("cannot write the fuzz configuration to \(directory): \(error)")
        }
        withRules = options
        options.configFile = directory + "/absent.yml"
        options.configFileRequired = false
        plain = options
    }

    /// Fresh parts: empty in-memory storage, a transport that answers nothing, a logger that prints nothing.
    func parts(_ clock: ManualClock) -> ExporterParts {
        ExporterParts(
            clock: clock, logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }),
            storage: InMemoryStorage(), transport: FakeTransport([]), retryDelay: { _ in })
    }
}

/// One request of the HTTP target's input.
private struct FuzzRequest {
    var method: String
    var target: String
    var headers: [(String, String)] = []
    var remoteAddress = "127.0.0.1"
    var body: [UInt8] = []

    init?(_ bytes: ArraySlice<UInt8>) {
        let headEnd = Self.range(of: [10, 10], in: bytes)
        let head = String(fuzzInput: Array(bytes[..<(headEnd?.lowerBound ?? bytes.endIndex)]))
        body = headEnd.map { Array(bytes[$0.upperBound...]) } ?? []
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard requestLine.count >= 2 else { return nil }
        method = String(requestLine[0])
        target = String(requestLine[1])
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
            if name.lowercased() == "x-fuzz-remote" {
                remoteAddress = value
            } else {
                headers.append((name, value))
            }
        }
    }

    /// The request as the transport hands it over: the target split into path and query, the query decoded.
    var httpRequest: HTTPRequest {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var items: [(name: String, value: String)] = []
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = Self.decode(keyValue[0]) else { continue }
                guard let value = keyValue.count == 2 ? Self.decode(keyValue[1]) : "" else { continue }
                items.append((name, value))
            }
        }
        var request = HTTPRequest(
            method: method, path: String(parts[0]),
            query: Dictionary(items.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }),
            headers: HTTPHeaders(headers), body: body, remoteAddress: remoteAddress)
        request.queryItems = items
        return request
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    private static func range(of needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Range<Int>? {
        guard bytes.count >= needle.count else { return nil }
        var index = bytes.startIndex
        while index + needle.count <= bytes.endIndex {
            if bytes[index..<index + needle.count].elementsEqual(needle) { return index..<index + needle.count }
            index += 1
        }
        return nil
    }
}
