import AlertPipeline
import JSON
import Model
@testable import Server
import TestSupport
import Testing

/// `GET /api/v1/alerts/history` and `GET /api/v1/notifications` over an exporter with a manual clock: newest
/// first, a page at a time with a cursor, filtered by time and labels; a bad parameter is a 400 naming it.
struct AlertHistoryAPITests {
    let fixture: APIFixture

    init() throws {
        fixture = try APIFixture()
    }

    /// Two episodes of agent `a` and `b`: `a` fired 60s after it started and resolved 120s later; `b` fires.
    func record() throws -> AlertHistory {
        let history = try #require(fixture.alerts.history)
        let start = fixture.clock.now()
        let labels = { (agent: String) in Labels([Label("alertname", "AgentDown"), Label("agent", agent)]) }
        history.observe([RuleAlertObservation(labels: labels("a"), phase: .pending, activeAt: start, value: 1)])
        fixture.clock.advance(by: 60)
        history.observe([
            RuleAlertObservation(
                labels: labels("a"), phase: .firing, activeAt: start, firedAt: start + .seconds(60), value: 4),
            RuleAlertObservation(
                labels: labels("b"), phase: .firing, activeAt: fixture.clock.now(), firedAt: fixture.clock.now(),
                value: 2),
        ])
        fixture.clock.advance(by: 120)
        history.observe([
            RuleAlertObservation(
                labels: labels("a"), phase: .resolved, activeAt: start, firedAt: start + .seconds(60),
                resolvedAt: fixture.clock.now(), value: 4)
        ])
        history.flush()
        return history
    }

    @Test func episodesComeNewestFirstAPageAtATime() throws {
        _ = try record()
        let first = fixture.send("GET", "/api/v1/alerts/history?limit=1")
        #expect(first.status == 200)
        let episodes = first.data.objectValue?["episodes"]?.arrayValue ?? []
        #expect(episodes.count == 1)
        let b = episodes.first?.objectValue
        #expect(b?["labels"]?.objectValue?["agent"]?.stringValue == "b")
        #expect(b?["state"]?.stringValue == "firing" && b?["resolvedAt"] == .null)
        #expect(b?["secondsIn"]?.objectValue?["firing"]?.numberValue == 120, "open: its time up to now")
        let cursor = try #require(first.data.objectValue?["nextCursor"]?.stringValue)

        let second = fixture.send("GET", "/api/v1/alerts/history?limit=1&cursor=\(cursor)")
        let a = second.data.objectValue?["episodes"]?.arrayValue?.first?.objectValue
        #expect(a?["labels"]?.objectValue?["agent"]?.stringValue == "a")
        #expect(a?["state"]?.stringValue == "resolved")
        #expect(a?["durationSeconds"]?.numberValue == 180)
        #expect(a?["secondsIn"]?.objectValue?["pending"]?.numberValue == 60)
        #expect(a?["secondsIn"]?.objectValue?["firing"]?.numberValue == 120)
        #expect(a?["peakValue"]?.numberValue == 4)
        #expect(second.data.objectValue?["nextCursor"] == .null, "the last page")

        let matched = fixture.send("GET", "/api/v1/alerts/history?match[]=agent=a")
        #expect(matched.data.objectValue?["episodes"]?.arrayValue?.count == 1)
        let recent = fixture.send("GET", "/api/v1/alerts/history?since=1m")
        #expect(
            recent.data.objectValue?["episodes"]?.arrayValue?.count == 2,
            "a resolved just now: it overlaps the last minute")
        let early = fixture.send("GET", "/api/v1/alerts/history?until=\(fixture.clock.now().milliseconds / 1000 - 150)")
        #expect(early.data.objectValue?["episodes"]?.arrayValue?.count == 1, "b started 120s ago")
    }

    @Test func notificationsAreListedToo() throws {
        let response = fixture.send("GET", "/api/v1/notifications")
        #expect(response.status == 200)
        #expect(response.data.objectValue?["notifications"]?.arrayValue == [])
        #expect(response.data.objectValue?["nextCursor"] == .null)
    }

    @Test(arguments: [
        ("limit=0", #"invalid parameter \"limit\": must be a whole number from 1 to 1000"#),
        ("limit=abc", #"invalid parameter \"limit\": must be a whole number from 1 to 1000"#),
        (
            "cursor=nope",
            #"invalid parameter \"cursor\": must be the nextCursor of a previous page (<milliseconds>_<id>)"#
        ),
        (
            "since=yesterday",
            #"invalid parameter \"since\": cannot parse \"yesterday\" as RFC 3339, Unix seconds or a duration such as 24h"#
        ),
        ("since=1h&until=2h", #"invalid parameter \"until\": must not be before since"#),
        ("match[]={agent", #"invalid parameter \"match[]\": "#),
    ])
    func aBadParameterIsA400NamingIt(query: String, message: String) {
        for path in ["/api/v1/alerts/history", "/api/v1/notifications"] {
            let response = fixture.send("GET", "\(path)?\(query)")
            #expect(response.status == 400)
            #expect(response.text.contains(message), "\(response.text)")
        }
    }
}
