import Foundation
import HTTP
@testable import Server
import Testing
import TestSupport

/// `basic_auth_users` of `--web.config.file`: every endpoint needs the credentials, the admin and ingest tokens
/// still apply on top (sent in `X-Heartbeat-Token`), and the configured headers go on every response.
struct BasicAuthTests {
    static let password = "correct horse"
    static let hash = (try? Bcrypt.hash(password, cost: 4)) ?? ""
    static let webConfig = """
        basic_auth_users:
          ops: \(hash)
        http_server_config:
          headers: {Strict-Transport-Security: max-age=31536000, X-Content-Type-Options: nosniff}
        """

    static func basic(_ user: String, _ password: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    }

    @Test(arguments: ["/-/healthy", "/metrics", "/api/v1/agents", "/", "/api/v2/status"])
    func everyEndpointNeedsTheCredentials(path: String) throws {
        let api = try APIFixture(webConfig: Self.webConfig)

        let missing = api.send("GET", path)
        let wrong = api.send("GET", path, headers: [Self.basic("ops", "wrong")])
        let unknownUser = api.send("GET", path, headers: [Self.basic("nobody", Self.password)])
        let right = api.send("GET", path, headers: [Self.basic("ops", Self.password)])

        for refused in [missing, wrong, unknownUser] {
            #expect(refused.status == 401)
            #expect(refused.headers.contains { $0 == ("WWW-Authenticate", "Basic") })
            #expect(refused.text == "Unauthorized\n")
        }
        #expect(right.status == 200)
        for response in [missing, right] {
            #expect(response.headers.contains { $0 == ("Strict-Transport-Security", "max-age=31536000") })
            #expect(response.headers.contains { $0 == ("X-Content-Type-Options", "nosniff") })
        }
    }

    @Test func withoutUsersNothingAsksForCredentials() throws {
        let api = try APIFixture(webConfig: "http_server_config: {headers: {X-Frame-Options: deny}}\n")
        let response = api.send("GET", "/-/healthy")
        #expect(response.status == 200)
        #expect(response.headers.contains { $0 == ("X-Frame-Options", "deny") })
    }

    @Test func theAdminTokenStillAppliesAndTravelsInXHeartbeatToken() throws {
        let api = try APIFixture(adminToken: "admin-t", webConfig: Self.webConfig)
        let credentials = Self.basic("ops", Self.password)
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent":"a1"}"#, headers: [credentials])

        let noToken = api.send("POST", "/api/v1/agents/a1/kill", headers: [credentials], loopback: false)
        let wrongToken = api.send(
            "POST", "/api/v1/agents/a1/kill", headers: [credentials, ("X-Heartbeat-Token", "nope")], loopback: false)
        let tokenOnly = api.send(
            "POST", "/api/v1/agents/a1/kill", headers: [("Authorization", "Bearer admin-t")], loopback: false)
        let both = api.send(
            "POST", "/api/v1/agents/a1/kill", headers: [credentials, ("X-Heartbeat-Token", "admin-t")],
            loopback: false)

        #expect(noToken.status == 401)
        #expect(wrongToken.status == 401)
        #expect(wrongToken.json.objectValue?["error"]?.stringValue == "invalid token in X-Heartbeat-Token")
        #expect(tokenOnly.status == 401)
        #expect(tokenOnly.headers.contains { $0 == ("WWW-Authenticate", "Basic") })
        #expect(both.status == 200)
    }

    @Test func theIngestTokenTravelsInXHeartbeatTokenToo() throws {
        let api = try APIFixture(ingestToken: "ingest-t", webConfig: Self.webConfig)
        let credentials = Self.basic("ops", Self.password)
        let refused = api.send("POST", "/api/v1/heartbeat", #"{"agent":"a1"}"#, headers: [credentials])
        let accepted = api.send(
            "POST", "/api/v1/heartbeat", #"{"agent":"a1"}"#, headers: [credentials, ("X-Heartbeat-Token", "ingest-t")])
        #expect(refused.status == 401)
        #expect(accepted.status == 202)
    }

    /// A fleet deployed with a wrong password shows where one with a wrong token does: in
    /// `heartbeat_exporter_heartbeats_received_total{result="unauthorized"}` and `/api/v1/rejections`.
    @Test func heartbeatsRefusedForTheirCredentialsAreCountedAndListed() throws {
        let api = try APIFixture(webConfig: Self.webConfig)
        let credentials = Self.basic("ops", Self.password)
        #expect(
            api.send("POST", "/api/v1/heartbeat", #"{"agent":"a1"}"#, headers: [Self.basic("ops", "x")]).status == 401)
        #expect(api.send("POST", "/api/v1/heartbeats", #"[{"agent":"a2"}]"#).status == 401)
        #expect(api.send("GET", "/api/v1/agents").status == 401)  // not a heartbeat: not counted

        let metrics = api.send("GET", "/metrics", headers: [credentials]).text
        #expect(metrics.contains(#"heartbeat_exporter_heartbeats_received_total{result="unauthorized"} 2"#))
        let rejections = api.send("GET", "/api/v1/rejections", headers: [credentials]).text
        #expect(rejections.contains("basic auth: missing or wrong credentials"))
    }

    @Test func aVerifiedPasswordIsCachedSoAFleetPaysBcryptOnce() {
        let authenticator = BasicAuthenticator()
        let users = ["ops": Self.hash]
        let header = Self.basic("ops", Self.password).1
        for _ in 0..<50 { #expect(authenticator.check(header, users: users) == .authorized) }
        #expect(authenticator.cachedCount == 1)
    }

    @Test func wrongPasswordsAreNotCachedSoGuessingCannotEvictTheFleetsEntry() {
        let authenticator = BasicAuthenticator()
        let users = ["ops": Self.hash]
        #expect(authenticator.check(Self.basic("ops", Self.password).1, users: users) == .authorized)
        for attempt in 0..<(BasicAuthenticator.cacheSize * 2) {
            #expect(authenticator.check(Self.basic("ops", "guess-\(attempt)").1, users: users) == .refused)
        }
        #expect(authenticator.cachedCount == 1)
        #expect(authenticator.check(Self.basic("nobody", Self.password).1, users: users) == .refused)
    }

    @Test func aChangedHashInvalidatesTheCachedVerification() throws {
        let authenticator = BasicAuthenticator()
        let header = Self.basic("ops", Self.password).1
        #expect(authenticator.check(header, users: ["ops": Self.hash]) == .authorized)
        #expect(authenticator.check(header, users: ["ops": try Bcrypt.hash("other", cost: 4)]) == .refused)
    }

    @Test func aCheckThatWouldWaitForAnotherBcryptIsAnsweredBusyAndCachedOnesAreNot() throws {
        let authenticator = BasicAuthenticator()
        let users = ["ops": Self.hash]
        let cached = Self.basic("ops", Self.password).1
        #expect(authenticator.check(cached, users: users) == .authorized)

        let whileAnotherRuns = authenticator.whileBcryptRuns {
            (
                guess: authenticator.check(Self.basic("ops", "a guess").1, users: users),
                unknownUser: authenticator.check(Self.basic("nobody", "x").1, users: users),
                cached: authenticator.check(cached, users: users)
            )
        }
        #expect(whileAnotherRuns.guess == .busy)
        #expect(whileAnotherRuns.unknownUser == .busy)
        #expect(whileAnotherRuns.cached == .authorized)
        #expect(authenticator.check(Self.basic("ops", "a guess").1, users: users) == .refused)
    }

    @Test func aBusyCheckIsA503WithRetryAfterAndTheConfiguredHeaders() throws {
        let api = try APIFixture(webConfig: Self.webConfig)
        let response = api.exporter.whileBcryptRuns { api.send("GET", "/-/healthy", headers: [Self.basic("ops", "x")]) }
        #expect(response.status == 503)
        #expect(response.headers.contains { $0 == ("Retry-After", "1") })
        #expect(response.headers.contains { $0 == ("X-Content-Type-Options", "nosniff") })
    }

    @Test(arguments: ["Basic", "Basic !!!", "Basic " + Data("no-colon".utf8).base64EncodedString(), "Bearer x"])
    func malformedCredentialsAreRefused(header: String) {
        #expect(BasicAuthenticator().check(header, users: ["ops": Self.hash]) == .refused)
    }
}
