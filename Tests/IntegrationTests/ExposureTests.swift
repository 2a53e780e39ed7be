import Foundation
import Testing
import TestSupport

/// The security review's findings, against the real binary over real sockets: DNS rebinding (Host), cross-site
/// writes (Origin, Content-Type), request smuggling (framing), unbounded silences, secrets in the status, and
/// terminal escapes in the CLI's tables.
@Suite(.serialized)
struct ExposureTests {
    /// Sends `request` on a fresh connection and returns what came back before the server closed it.
    static func raw(_ exporter: ExporterProcess, _ request: String) async throws -> (
        status: Int?, text: String, closed: Bool
    ) {
        let connection = try RawConnection(port: exporter.port)
        connection.send(request)
        let reply = await connection.readUntilClosed(timeout: 10)
        let status = reply.text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
        return (status, reply.text, reply.closed)
    }

    static func request(
        _ method: String, _ target: String, host: String, headers: [String] = [], body: String = ""
    ) -> String {
        let lines =
            ["\(method) \(target) HTTP/1.1", "Host: \(host)", "Connection: close"] + headers
            + (body.isEmpty ? [] : ["Content-Length: \(body.utf8.count)"])
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    static func state(of agent: String, _ client: HTTPTestClient) async throws -> String? {
        try await client.get("/api/v1/agents/\(agent)").data.objectValue?["state"]?.stringValue
    }

    @Test func aRebindingPageGets403OnReadsAndWritesUnlessItsNameIsAllowed() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("victim")).status == 202)
        let host = "rebind.example:\(exporter.port)"
        let origin = "Origin: http://\(host)"
        for (method, path) in [
            ("POST", "/api/v1/agents/victim/kill"), ("DELETE", "/api/v1/agents/victim"), ("POST", "/-/reload"),
            ("GET", "/api/v2/status"), ("GET", "/api/v2/silences"), ("GET", "/metrics"),
        ] {
            let reply = try await Self.raw(exporter, Self.request(method, path, host: host, headers: [origin]))
            #expect(reply.status == 403, "\(method) \(path): \(reply.text)")
            #expect(reply.text.contains("is not a name of this exporter"))
        }
        #expect(try await Self.state(of: "victim", client) == "healthy")

        let allowing = try await ExporterProcess(arguments: ["--web.allowed-hosts", "rebind.example,other.example"])
        let allowed = try await Self.raw(
            allowing, Self.request("GET", "/api/v2/status", host: "rebind.example:\(allowing.port)"))
        #expect(allowed.status == 200)
    }

    @Test func aForeignOriginCannotStopAnAgentNorSendBeats() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("victim")).status == 202)
        let host = "127.0.0.1:\(exporter.port)"
        let stop = try await Self.raw(
            exporter,
            Self.request("POST", "/api/v1/agents/victim/stop", host: host, headers: ["Origin: https://evil.example"]))
        #expect(stop.status == 403, "\(stop.text)")
        #expect(try await Self.state(of: "victim", client) == "healthy")

        for contentType in ["text/plain", "application/x-www-form-urlencoded"] {
            let beat = try await Self.raw(
                exporter,
                Self.request(
                    "POST", "/api/v1/heartbeat", host: host, headers: ["Content-Type: \(contentType)"],
                    body: HTTPTestClient.beat("forged")))
            #expect(beat.status == 415, "\(beat.text)")
            #expect(beat.text.contains("got \\\"\(contentType)\\\""))
        }
        #expect(try await client.get("/api/v1/agents/forged").status == 404)
    }

    @Test func aSmuggledSecondRequestIsNotExecuted() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("victim")).status == 202)
        let host = "127.0.0.1:\(exporter.port)"
        let smuggled = "POST /api/v1/agents/victim/kill HTTP/1.1\r\nHost: \(host)\r\nContent-Length: 0\r\n\r\n"
        let beat = HTTPTestClient.beat("victim")
        let chunked = "0\r\n\r\n" + smuggled
        let cases = [
            (
                "Content-Length: \(beat.utf8.count)\r\nContent-Length: \((beat + smuggled).utf8.count)",
                beat + smuggled,
                "conflicting Content-Length values"
            ),
            (
                "Content-Length: \(chunked.utf8.count)\r\nTransfer-Encoding: chunked", chunked,
                "both Content-Length and Transfer-Encoding"
            ),
        ]
        for (head, body, message) in cases {
            let request =
                "POST /api/v1/heartbeat HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/json\r\n\(head)\r\n\r\n"
                + body
            let reply = try await Self.raw(exporter, request)
            #expect(reply.status == 400, "\(reply.text)")
            #expect(reply.text.contains(message), "\(reply.text)")
            #expect(
                reply.closed && reply.text.components(separatedBy: "HTTP/1.1 ").count == 2, "one answer, then close")
        }
        let noSlash = try await Self.raw(exporter, Self.request("POST", "foo/api/v1/agents/victim/kill", host: host))
        #expect(noSlash.status == 400, "\(noSlash.text)")
        #expect(try await Self.state(of: "victim", client) == "healthy")
    }

    @Test func silencesBeyondTheLimitsAreRefusedNamingTheLimit() async throws {
        let exporter = try await ExporterProcess(arguments: [
            "--silences.max-silences", "3", "--silences.max-silence-size-bytes", "2000",
        ])
        let amtool = { (arguments: [String]) async throws -> ExternalTool.Result in
            try await ExternalTool.run(
                "amtool", ["--alertmanager.url=\(exporter.baseURL)", "--no-version-check"] + arguments)
        }
        let add = { (agent: String, comment: String) async throws -> ExternalTool.Result in
            try await amtool(["silence", "add", "agent=\(agent)", "--comment=\(comment)", "--duration=1h"])
        }
        for agent in ["a", "b"] { #expect(try await add(agent, "maintenance").status == 0) }
        let big = try await add("c", String(repeating: "x", count: 3000))
        #expect(big.status != 0)
        #expect(big.stderr.contains("silence exceeded maximum size: "), "\(big.stderr)")
        #expect(big.stderr.contains(" bytes (limit: 2000 bytes)"), "\(big.stderr)")
        #expect(try await add("c", "maintenance").status == 0)
        let fourth = try await add("d", "maintenance")
        #expect(fourth.status != 0)
        #expect(fourth.stderr.contains("exceeded maximum number of silences: 3 (limit: 3)"), "\(fourth.stderr)")
        let listed = try await HTTPTestClient(baseURL: exporter.baseURL).get("/api/v2/silences")
        #expect(listed.json.arrayValue?.count == 3)
    }

    @Test func amtoolConfigShowPrintsTheConfigurationWithoutItsSecrets() async throws {
        let directory = TestPaths.temporaryDirectory("status-secrets")
        let config = directory + "/heartbeat-exporter.yml"
        try """
        route: {receiver: hooks}
        receivers:
          - {name: hooks, webhook_configs: [{url: 'http://hooks.example/SECRET-url', http_config: {authorization: {credentials: SECRET-token}}}]}
          - name: forward
            alertmanager_configs:
              - url:
                  http://am.example:9093/SECRET-path
                "http_config": {"authorization": {"credentials": "SECRET-am-token"}}

        """.write(toFile: config, atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", config])
        let shown = try await ExternalTool.run(
            "amtool", ["--alertmanager.url=\(exporter.baseURL)", "--no-version-check", "config", "show"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("url: <secret>") && shown.stdout.contains("credentials: <secret>"))
        #expect(!shown.stdout.contains("SECRET"), "\(shown.stdout)")
        let reload = try await HTTPTestClient(baseURL: exporter.baseURL).post("/-/reload")
        #expect(reload.status == 200)
        #expect(!(try await HTTPTestClient(baseURL: exporter.baseURL).get("/api/v2/status").text.contains("SECRET")))
        #expect(!(try await HTTPTestClient(baseURL: exporter.baseURL).get("/").text.contains("SECRET")))
        #expect(!exporter.logText.contains("SECRET"))
    }

    @Test func theCLITablesShowControlAndBidiCharactersEscaped() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let task = "\\u001b[2J\\u001b[H\\r\\nfake-agent  worker  healthy\\u202e\\u009b"
        let beat = HTTPTestClient.beat("honest", extra: "\"current_task\": \"\(task)\"")
        #expect(try await client.post("/api/v1/heartbeat", beat).status == 202)
        let table = try await ExternalTool.run(ExporterProcess.binary, ["agents", "--url", exporter.baseURL])
        #expect(table.status == 0)
        #expect(!Self.hasControls(table.stdout), "\(table.stdout)")
        #expect(table.stdout.contains(#"\u001b[2J\u001b[H\r\nfake-agent  worker  healthy\u202e\u009b"#))
        #expect(!table.stdout.split(separator: "\n").contains { $0.hasPrefix("fake-agent") })

        let silence = { (author: String) in
            """
            {"matchers": [{"name": "agent", "value": "honest", "isRegex": false}], "startsAt": "2020-01-01T00:00:00Z",
             "endsAt": "2100-01-01T00:00:00Z", "createdBy": "\(author)", "comment": "\\u0007bell\\u2066"}
            """
        }
        for author in ["ops", "運用チーム"] {
            #expect(try await client.post("/api/v2/silences", silence(author)).status == 200)
        }
        let silences = try await ExternalTool.run(
            ExporterProcess.binary, ["silence", "query", "--url", exporter.baseURL])
        #expect(!Self.hasControls(silences.stdout), "\(silences.stdout)")
        let lines = silences.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines.dropFirst().allSatisfy { $0.hasSuffix(#"\u0007bell\u2066"#) }, "\(lines)")
        // 運用チーム is five characters ten columns wide: on screen, every COMMENT starts in the same column.
        let columns = lines.map { line in
            line.firstRange(of: #"\u0007"#).map { line[..<$0.lowerBound] }.map { Self.columns(String($0)) }
                ?? line.firstRange(of: "COMMENT").map { Self.columns(String(line[..<$0.lowerBound])) }
        }
        #expect(Set(columns).count == 1, "\(silences.stdout)")
    }

    static func hasControls(_ text: String) -> Bool {
        text.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E
                || $0.value == 0x2066
        }
    }

    /// Terminal columns of `text`: two for the CJK characters used here, one for everything else.
    static func columns(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ((0x3000...0x9FFF).contains($1.value) ? 2 : 1) }
    }
}
