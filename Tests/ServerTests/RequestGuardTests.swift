import HTTP
@testable import Server
import Testing

/// Every request passes the Host check (DNS rebinding), and every write the Origin and Content-Type checks
/// (cross-site requests), before any endpoint sees it.
struct RequestGuardTests {
    static let beat = #"{"agent": "a1"}"#

    /// One request of each kind: reads, ingestion, operator writes, silences, reload.
    static let endpoints: [(method: String, path: String, body: String)] = [
        ("GET", "/metrics", ""),
        ("GET", "/api/v2/status", ""),
        ("GET", "/api/v1/agents", ""),
        ("GET", "/", ""),
        ("POST", "/api/v1/heartbeat", beat),
        ("POST", "/api/v1/heartbeats", "[\(beat)]"),
        ("POST", "/api/v1/agents/a1/stop", ""),
        ("POST", "/api/v1/agents/a1/kill", ""),
        ("DELETE", "/api/v1/agents/a1", ""),
        ("POST", "/api/v2/silences", AlertmanagerAPITests.silence),
        ("POST", "/-/reload", ""),
    ]

    @Test func aForeignHostGets403OnEveryEndpoint() throws {
        let api = try APIFixture()
        for endpoint in Self.endpoints {
            let reply = api.send(
                endpoint.method, endpoint.path, endpoint.body,
                headers: [("Host", "rebind.example:9747"), ("Origin", "http://rebind.example:9747")])
            #expect(reply.status == 403, "\(endpoint.method) \(endpoint.path)")
            #expect(reply.text.contains(#"Host \"rebind.example:9747\" is not a name of this exporter"#))
        }
        #expect(api.registry.count == 0)
    }

    @Test(arguments: [
        "localhost:9747", "LOCALHOST", "127.0.0.1:9747", "[::1]:9747", "192.0.2.5:9747", "agents.localhost:9747",
        "exporter.example:9747", "exporter.example.", "other.example", "prometheus.example", "hx.example:443",
    ])
    func theExportersOwnNamesAndAddressesAreServed(host: String) throws {
        let api = try APIFixture(
            config: "global: {external_url: 'https://hx.example/'}\n", externalURL: "http://prometheus.example:9090",
            allowedHosts: ["exporter.example", "Other.Example"])
        #expect(api.send("GET", "/metrics", headers: [("Host", host)]).status == 200)
    }

    @Test func aReloadPutsTheNewExternalURLsHostInForce() throws {
        let api = try APIFixture(config: "global: {external_url: 'http://old.example'}\n")
        try "global: {external_url: 'http://new.example'}\n".write(
            toFile: api.configFile, atomically: true, encoding: .utf8)
        #expect(api.send("POST", "/-/reload").status == 200)
        #expect(api.send("GET", "/metrics", headers: [("Host", "new.example")]).status == 200)
        #expect(api.send("GET", "/metrics", headers: [("Host", "old.example")]).status == 403)
    }

    @Test func aForeignOriginGets403OnEveryWriteEvenWithTheRightToken() throws {
        let api = try APIFixture(adminToken: "admin", ingestToken: "ingest")
        #expect(
            api.send("POST", "/api/v1/heartbeat", Self.beat, headers: [("Authorization", "Bearer ingest")]).status
                == 202)
        for endpoint in Self.endpoints where endpoint.method != "GET" {
            let reply = api.send(
                endpoint.method, endpoint.path, endpoint.body,
                headers: [
                    ("Host", "127.0.0.1:9747"), ("Origin", "http://evil.example"), ("Authorization", "Bearer admin"),
                ])
            #expect(reply.status == 403, "\(endpoint.method) \(endpoint.path)")
            #expect(reply.text.contains("Origin http://evil.example is not this exporter"))
        }
        let agent = api.registry.agent(named: "a1")
        #expect(agent != nil && agent?.killed == nil && agent?.stopped == nil, "neither stopped, killed nor deleted")
    }

    @Test func aWriteFromTheExportersOwnPageIsAccepted() throws {
        let api = try APIFixture()
        let reply = api.send(
            "POST", "/api/v1/heartbeat", Self.beat,
            headers: [("Host", "127.0.0.1:9747"), ("Origin", "http://127.0.0.1:9747")])
        #expect(reply.status == 202)
    }

    @Test(arguments: [
        ("text/plain", #"got "text/plain""#),
        ("application/x-www-form-urlencoded", #"got "application/x-www-form-urlencoded""#),
        ("multipart/form-data; boundary=x", #"got "multipart/form-data; boundary=x""#), ("", #"got """#),
        ("application/jsonp", #"got "application/jsonp""#), ("application/json-seq", #"got "application/json-seq""#),
        ("application/jso", #"got "application/jso""#),
    ])
    func aBodyThatIsNotDeclaredJSONGets415(contentType: String, named: String) throws {
        let api = try APIFixture()
        for endpoint in Self.endpoints where !endpoint.body.isEmpty {
            let reply = api.send(
                endpoint.method, endpoint.path, endpoint.body, headers: [("Content-Type", contentType)])
            #expect(reply.status == 415, "\(endpoint.method) \(endpoint.path)")
            #expect(
                reply.json.objectValue?["error"]?.stringValue
                    == "request body must be sent as Content-Type: application/json, \(named)")
            #expect(reply.json.objectValue?["errorType"]?.stringValue == "bad_data")
        }
        #expect(api.registry.count == 0)
    }

    @Test func aBodyWithoutContentTypeGets415NamingIt() throws {
        let api = try APIFixture()
        let request = HTTPRequest(
            method: "POST", path: "/api/v1/heartbeat", body: Array(Self.beat.utf8), remoteAddress: "127.0.0.1")
        let reply = api.exporter.handle(request)
        #expect(reply.status == 415)
        #expect(reply.text.contains("got no Content-Type"))
    }

    @Test(arguments: [
        "application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
        "application/json ; charset=utf-8", "APPLICATION/JSON\t",
    ])
    func jsonWithParametersIsAccepted(contentType: String) throws {
        let api = try APIFixture()
        let reply = api.send("POST", "/api/v1/heartbeat", Self.beat, headers: [("Content-Type", contentType)])
        #expect(reply.status == 202)
    }

    @Test func aWriteWithoutBodyNeedsNoContentType() throws {
        let api = try APIFixture()
        _ = api.send("POST", "/api/v1/heartbeat", Self.beat)
        #expect(api.send("POST", "/api/v1/agents/a1/kill").status == 200)
    }
}
