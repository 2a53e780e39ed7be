import HTTP
import Testing

struct RequestTests {
    @Test(arguments: [
        ("127.0.0.1", true),
        ("127.255.0.9", true),
        ("::1", true),
        ("::ffff:127.0.0.1", true),
        ("10.0.0.1", false),
        ("128.0.0.1", false),
        ("::2", false),
        ("::ffff:10.0.0.1", false),
        ("fe80::1", false),
        ("localhost", false),
        ("", false),
    ])
    func loopbackIsDecidedByTheAddress(address: String, isLoopback: Bool) {
        #expect(HTTPRequest(method: "GET", path: "/", remoteAddress: address).isFromLoopback == isLoopback)
    }

    @Test func unknownPeerIsNotLoopback() {
        #expect(!HTTPRequest(method: "GET", path: "/").isFromLoopback)
    }

    @Test func headersAreCaseInsensitiveAndRepeatedFieldsJoin() {
        let headers = HTTPHeaders([("Content-Type", "application/json"), ("Accept", "a"), ("accept", "b")])
        #expect(headers["content-type"] == "application/json")
        #expect(headers["CONTENT-TYPE"] == "application/json")
        #expect(headers["Accept"] == "a, b")
        #expect(headers["Authorization"] == nil)
    }

    @Test(arguments: [
        ("/api/v1/agents/a%2Fb", "/api/v1/agents/a/b"),
        ("/caf%C3%A9", "/café"),
        ("/a+b", "/a+b"),
        ("/bad%zz", "/bad%zz"),
    ])
    func pathIsDecodedAndRawPathKept(sent: String, decoded: String) {
        let request = HTTPRequest(method: "GET", path: sent)
        #expect(request.path == decoded)
        #expect(request.rawPath == sent)
    }

    @Test(arguments: [("GET", HTTPMethod.GET), ("DELETE", .DELETE), ("get", nil), ("BREW", nil)])
    func methodTokensAreCaseSensitive(token: String, method: HTTPMethod?) {
        #expect(HTTPRequest(method: token, path: "/").httpMethod == method)
    }

    @Test func textResponseIsUTF8PlainTextWithALineFeed() {
        let response = HTTPResponse.text(422, "field 'x' out of range")
        #expect(response.status == 422)
        #expect(response.headers.map(\.0) == ["Content-Type"])
        #expect(response.headers.first?.1 == "text/plain; charset=utf-8")
        #expect(response.body == Array("field 'x' out of range\n".utf8))
    }
}
