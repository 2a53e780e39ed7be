import HTTP
import Testing

/// A router whose handlers answer with the route that ran and its parameters, so tests can
/// see which route a request reached.
private func makeRouter() -> Router {
    var router = Router(errorResponse: { status, message in
        HTTPResponse(
            status: status, headers: [("Content-Type", "application/json")], body: Array("error:\(message)".utf8))
    })
    func answer(_ route: String) -> Router.RouteHandler {
        { _, parameters in
            let rendered = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            return .text(200, "\(route) \(rendered)")
        }
    }
    router.post("/api/v1/heartbeat", answer("heartbeat"))
    router.get("/api/v1/agents", answer("agents"))
    router.get("/api/v1/agents/{agent}", answer("agent"))
    router.delete("/api/v1/agents/{agent}", answer("forget"))
    router.get("/api/v1/agents/summary", answer("summary"))
    router.post("/api/v1/agents/{agent}/kill", answer("kill"))
    router.get("/api/v2/silence/{id}", answer("silence"))
    router.delete("/api/v2/silence/{id}", answer("expire"))
    return router
}

struct RouterTests {
    @Test(arguments: [
        ("POST", "/api/v1/heartbeat", "heartbeat "),
        ("GET", "/api/v1/agents", "agents "),
        ("GET", "/api/v1/agents/web-1", "agent agent=web-1"),
        ("DELETE", "/api/v1/agents/web-1", "forget agent=web-1"),
        ("GET", "/api/v1/agents/summary", "summary "),
        ("POST", "/api/v1/agents/web-1/kill", "kill agent=web-1"),
        ("POST", "/api/v1/agents/a%2Fb/kill", "kill agent=a/b"),
        ("POST", "/api/v1/agents/caf%C3%A9%20bot/kill", "kill agent=café bot"),
        ("GET", "/api/v2/silence/abc-123", "silence id=abc-123"),
        ("DELETE", "/api/v2/silence/abc-123", "expire id=abc-123"),
        ("HEAD", "/api/v1/agents/web-1", "agent agent=web-1"),
    ])
    func routesToTheMatchingHandler(method: String, path: String, expected: String) {
        let response = makeRouter().handle(HTTPRequest(method: method, path: path))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == expected + "\n")
    }

    @Test(arguments: [
        "/nope",
        "/api/v1/agents/",
        "/api/v1/agents/web-1/kill/now",
        "/api/v1/heartbeat/",
        "/API/v1/agents",
        "",
    ])
    func unknownPathIsNotFound(path: String) {
        let response = makeRouter().handle(HTTPRequest(method: "GET", path: path))
        #expect(response.status == 404)
        #expect(response.headers.first { $0.0 == "Content-Type" }?.1 == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("error:no route for path"))
    }

    @Test(arguments: [
        ("GET", "/api/v1/heartbeat", "POST"),
        ("PUT", "/api/v1/agents/web-1", "GET, HEAD, DELETE"),
        ("GET", "/api/v1/agents/web-1/kill", "POST"),
        ("BREW", "/api/v1/agents", "GET, HEAD"),
        ("post", "/api/v1/heartbeat", "POST"),
        ("POST", "/api/v2/silence/x", "GET, HEAD, DELETE"),
    ])
    func wrongMethodIsNotAllowedAndListsTheAllowedOnes(method: String, path: String, allow: String) {
        let response = makeRouter().handle(HTTPRequest(method: method, path: path))
        #expect(response.status == 405)
        #expect(response.headers.first { $0.0 == "Allow" }?.1 == allow)
        #expect(String(decoding: response.body, as: UTF8.self).contains("method \(method) not allowed"))
    }

    @Test(arguments: ["/api/v1/agents/%zz", "/api/v1/agents/%C3", "/api/v1/agents/a%2"])
    func brokenPercentEncodingIsBadRequest(path: String) {
        let response = makeRouter().handle(HTTPRequest(method: "GET", path: path))
        #expect(response.status == 400)
        #expect(String(decoding: response.body, as: UTF8.self).contains("invalid percent-encoding in path \(path)"))
    }

    @Test func literalSegmentWinsOverParameterWhateverTheOrder() {
        var router = Router()
        router.get("/items/{id}") { _, parameters in .text(200, "id \(parameters["id"] ?? "")") }
        router.get("/items/new") { _, _ in .text(200, "new") }
        let response = router.handle(HTTPRequest(method: "GET", path: "/items/new"))
        #expect(String(decoding: response.body, as: UTF8.self) == "new\n")
    }

    @Test func defaultErrorResponseIsPlainText() {
        let response = Router().handle(HTTPRequest(method: "GET", path: "/missing"))
        #expect(response.status == 404)
        #expect(response.headers.first { $0.0 == "Content-Type" }?.1 == "text/plain; charset=utf-8")
        #expect(String(decoding: response.body, as: UTF8.self) == "no route for path /missing\n")
    }
}
