import Foundation
import HeartbeatClient
import TestSupport
import Testing

/// `--web.config.file` against real peers: certificates made by openssl, curl, promtool and a real Prometheus.
@Suite(.serialized)
struct TLSWebConfigTests {
    static let password = "s3cret pass"

    /// A web configuration with `client_auth_type` (and the client CA when it verifies) and one user, `ops`.
    static func webConfig(_ certs: TestCertificates, clientAuth: String = "NoClientCert") async throws -> String {
        let hash = try await ExternalTool.run(
            ExporterProcess.binary, ["web", "hash-password"], input: Array("\(password)\n".utf8))
        guard hash.status == 0 else { throw TestFailure("web hash-password failed: \(hash.stderr)") }
        let path = certs.path("web.yml")
        let clientCA = clientAuth == "NoClientCert" ? "" : "  client_ca_file: ca.crt\n"
        try """
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          client_auth_type: \(clientAuth)
        \(clientCA)  min_version: TLS12
        basic_auth_users:
          ops: \(hash.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        http_server_config:
          headers: {Strict-Transport-Security: max-age=31536000}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func clientCertificatesAndBasicAuthAreEnforcedAndPromtoolAcceptsTheFile() async throws {
        let certs = try await TestCertificates()
        let web = try await Self.webConfig(certs, clientAuth: "RequireAndVerifyClientCert")
        let promtool = try await ExternalTool.run("promtool", ["check", "web-config", web])
        #expect(promtool.status == 0, "promtool: \(promtool.stdout)\(promtool.stderr)")
        let check = try await ExternalTool.run(ExporterProcess.binary, ["config", "check", "--web.config.file", web])
        #expect(check.status == 0, "config check: \(check.stdout)")

        let exporter = try await ExporterProcess(arguments: ["--web.config.file", web])
        let url = "https://127.0.0.1:\(exporter.port)/-/healthy"
        let trust = ["--cacert", certs.path("ca.crt")]
        let clientCert = ["--cert", certs.path("client.crt"), "--key", certs.path("client.key")]
        let rogueCert = ["--cert", certs.path("rogue.crt"), "--key", certs.path("rogue.key")]
        let user = ["-u", "ops:\(Self.password)"]

        let right = try await CurlReply(url, trust + clientCert + user)
        #expect(right.status == 200)
        #expect(right.headers.contains("Strict-Transport-Security: max-age=31536000"))
        #expect(try await CurlReply(url, trust + user).status == 0)  // no client certificate: refused
        #expect(try await CurlReply(url, trust + rogueCert + user).status == 0)  // not signed by the client CA
        let wrong = try await CurlReply(url, trust + clientCert + ["-u", "ops:wrong"])
        let missing = try await CurlReply(url, trust + clientCert)
        for refused in [wrong, missing] {
            #expect(refused.status == 401)
            #expect(refused.headers.contains("WWW-Authenticate: Basic"))
        }
        #expect(try await CurlReply("http://127.0.0.1:\(exporter.port)/-/healthy", user).status == 0)  // plain HTTP
        #expect(try await CurlReply(url, clientCert + user).status == 0)  // curl does not trust an unknown CA
        #expect(try await CurlReply(url, trust + clientCert + user + ["--tls-max", "1.1"]).status == 0)  // below TLS12
        await exporter.terminate()
        // The refused handshakes are in the exporter's own log (logfmt), not as bare lines of libmicrohttpd's.
        let transportLines = exporter.logText.split(separator: "\n").filter { $0.contains("libmicrohttpd") }
        #expect(!transportLines.isEmpty, "no libmicrohttpd message in the log:\n\(exporter.logText)")
        #expect(transportLines.allSatisfy { $0.contains("level=warning") && $0.contains("msg=\"libmicrohttpd: ") })
    }

    @Test(arguments: [
        // client_auth_type, status without a certificate, with the CA-signed one, with a self-signed one
        ("NoClientCert", 200, 200, 200),
        ("RequestClientCert", 200, 200, 200),
        ("RequireAnyClientCert", 0, 200, 200),
        ("VerifyClientCertIfGiven", 200, 200, 0),
        ("RequireAndVerifyClientCert", 0, 200, 0),
    ])
    func eachClientAuthTypeMeansWhatItMeansInPrometheus(
        clientAuth: String, withoutCert: Int, withCASigned: Int, withSelfSigned: Int
    ) async throws {
        let certs = try await TestCertificates()
        let exporter = try await ExporterProcess(arguments: [
            "--web.config.file", try Self.webConfig(certs, clientAuth: clientAuth),
        ])
        let url = "https://127.0.0.1:\(exporter.port)/-/healthy"
        let base = ["--cacert", certs.path("ca.crt"), "-u", "ops:\(Self.password)"]
        #expect(try await CurlReply(url, base).status == withoutCert)
        #expect(
            try await CurlReply(url, base + ["--cert", certs.path("client.crt"), "--key", certs.path("client.key")])
                .status
                == withCASigned)
        #expect(
            try await CurlReply(url, base + ["--cert", certs.path("rogue.crt"), "--key", certs.path("rogue.key")])
                .status
                == withSelfSigned)
        await exporter.terminate()
    }

    @Test func prometheusScrapesOverHTTPSWithBasicAuthAndAClientCertificate() async throws {
        let certs = try await TestCertificates()
        let exporter = try await ExporterProcess(
            arguments: ["--web.config.file", try Self.webConfig(certs, clientAuth: "RequireAndVerifyClientCert")])
        try "\(Self.password)\n".write(toFile: certs.path("password"), atomically: true, encoding: .utf8)
        let prometheus = try PrometheusProcess(
            scrapeTarget: "127.0.0.1:\(exporter.port)",
            scrapeSettings: [
                "scheme: https",
                "basic_auth: {username: ops, password_file: '\(certs.path("password"))'}",
                "tls_config: {ca_file: '\(certs.path("ca.crt"))', cert_file: '\(certs.path("client.crt"))', "
                    + "key_file: '\(certs.path("client.key"))'}",
            ])
        let up = try await prometheus.waitForQuery("up") { $0.first?.value == "1" }
        #expect(up.count == 1)
        await exporter.terminate()
    }

    @Test func certificatesRotateWhenTheFilesAreReplaced() async throws {
        let certs = try await TestCertificates(name: "first CA")
        let next = try await TestCertificates(name: "second CA")
        let exporter = try await ExporterProcess(arguments: ["--web.config.file", try Self.webConfig(certs)])
        let url = "https://127.0.0.1:\(exporter.port)/-/healthy"
        let user = ["-u", "ops:\(Self.password)"]
        #expect(try await CurlReply(url, ["--cacert", certs.path("ca.crt")] + user).status == 200)

        for file in ["server.crt", "server.key"] {
            try FileManager.default.removeItem(atPath: certs.path(file))
            try FileManager.default.copyItem(atPath: next.path(file), toPath: certs.path(file))
        }
        let deadline = Date().addingTimeInterval(20)
        var rotated = 0
        while Date() < deadline {
            rotated = try await CurlReply(url, ["--cacert", next.path("ca.crt")] + user).status
            if rotated == 200 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(rotated == 200, "the new certificate was not served within 20 s:\n\(exporter.logText)")
        #expect(try await CurlReply(url, ["--cacert", certs.path("ca.crt")] + user).status == 0)
        #expect(exporter.logText.contains("web configuration reloaded"))
        await exporter.terminate()
    }

    @Test func theSwiftClientAndTheCommandLineSpeakHTTPSWithAClientCertificateAndBasicAuth() async throws {
        let certs = try await TestCertificates()
        let exporter = try await ExporterProcess(
            arguments: ["--web.config.file", try Self.webConfig(certs, clientAuth: "RequireAndVerifyClientCert")])
        let base = try #require(URL(string: "https://127.0.0.1:\(exporter.port)"))
        let credentials = ExporterCredentials(
            caFile: certs.path("ca.crt"), certFile: certs.path("client.crt"), keyFile: certs.path("client.key"),
            basicAuth: ("ops", Self.password))
        let client = try HeartbeatClient(
            url: base, agent: "swift-agent", retry: RetryPolicy(retries: 0),
            transport: CurlTransport(credentials: credentials))
        let reply = await client.beat()
        #expect(reply?.state == "healthy")

        try "\(Self.password)\n".write(toFile: certs.path("password"), atomically: true, encoding: .utf8)
        let options = [
            "--url", base.absoluteString, "--tls.ca-file", certs.path("ca.crt"), "--tls.cert-file",
            certs.path("client.crt"), "--tls.key-file", certs.path("client.key"), "--basic-auth.username", "ops",
        ]
        let agents = try await ExternalTool.run(
            ExporterProcess.binary, ["agents"] + options + ["--basic-auth.password-file", certs.path("password")])
        #expect(agents.status == 0, "agents: \(agents.stderr)")
        #expect(agents.stdout.contains("swift-agent"))
        let wrong = try await ExternalTool.run(
            ExporterProcess.binary, ["agents"] + options, environment: ["HEARTBEAT_EXPORTER_PASSWORD": "wrong"])
        #expect(wrong.status == 1)
        #expect(
            wrong.stderr
                == "error: HTTP 401: Unauthorized: the exporter asks for basic auth; pass --basic-auth.username and "
                + "--basic-auth.password-file (or HEARTBEAT_EXPORTER_USERNAME and HEARTBEAT_EXPORTER_PASSWORD)\n")
        let untrusted = try await ExternalTool.run(
            ExporterProcess.binary, ["agents", "--url", base.absoluteString, "--basic-auth.username", "ops"],
            environment: ["HEARTBEAT_EXPORTER_PASSWORD": Self.password])
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.hasPrefix("error: cannot reach \(base.absoluteString)"))
        await exporter.terminate()
    }

    @Test func aBadWebConfigStopsTheStartNamingKeyAndLine() async throws {
        let certs = try await TestCertificates()
        let path = certs.path("bad.yml")
        try "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: Always\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        await #expect(throws: TestFailure.self) { try await ExporterProcess(arguments: ["--web.config.file", path]) }
        let check = try await ExternalTool.run(ExporterProcess.binary, ["config", "check", "--web.config.file", path])
        #expect(check.status == 1)
        #expect(check.stdout.contains("\(path):4:21: tls_server_config.client_auth_type: Invalid ClientAuth: Always"))
    }

    /// As in Go, a policy that verifies client certificates without `client_ca_file` verifies them against the
    /// system's CAs (which do not include the test CA), rather than refusing every client with no word said.
    @Test func withoutClientCAFileClientCertificatesAreVerifiedAgainstTheSystemCAs() async throws {
        let certs = try await TestCertificates()
        let path = certs.path("system-ca.yml")
        try
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: VerifyClientCertIfGiven\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let check = try await ExternalTool.run(ExporterProcess.binary, ["config", "check", "--web.config.file", path])
        #expect(check.status == 0)
        #expect(
            check.stdout.contains(
                "TLS (VerifyClientCertIfGiven; client certificates verified against the system's CAs (/etc/ssl/certs/"))
        let exporter = try await ExporterProcess(arguments: ["--web.config.file", path])
        let url = "https://127.0.0.1:\(exporter.port)/-/healthy"
        let trust = ["--cacert", certs.path("ca.crt")]
        #expect(try await CurlReply(url, trust).status == 200)  // none given: served
        let signedByTheTestCA = ["--cert", certs.path("client.crt"), "--key", certs.path("client.key")]
        #expect(try await CurlReply(url, trust + signedByTheTestCA).status == 0)  // not a system CA: refused
        await exporter.terminate()
    }
}
