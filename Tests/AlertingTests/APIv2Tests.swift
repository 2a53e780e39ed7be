import Alerting
import Foundation
import Model
import PromQL
import Testing

/// API v2 bodies compared with the real Alertmanager 0.25's bytes for the same objects.
struct APIv2Tests {
    @Test func silenceIsEncodedAsAlertmanagerDoes() throws {
        let silence = Silence(
            id: "f364d333-104e-4e0e-97dc-2eaef428bb5b",
            matchers: [
                try LabelMatcher.alertmanager(.regexMatch, "agent", "order-.*"),
                try LabelMatcher.alertmanager(.equal, "alertname", "AgentDown"),
            ],
            startsAt: at("2026-11-25T22:40:02.372Z"), endsAt: at("2026-11-26T00:40:02.370Z"),
            updatedAt: at("2026-11-25T22:40:02.372Z"), createdBy: "ops", comment: "maintenance")
        let expected =
            #"{"id":"f364d333-104e-4e0e-97dc-2eaef428bb5b","status":{"state":"active"},"updatedAt":"2026-11-25T22:40:02.372Z","comment":"maintenance","createdBy":"ops","endsAt":"2026-11-26T00:40:02.370Z","matchers":[{"isEqual":true,"isRegex":true,"name":"agent","value":"order-.*"},{"isEqual":true,"isRegex":false,"name":"alertname","value":"AgentDown"}],"startsAt":"2026-11-25T22:40:02.372Z"}"#
        #expect(
            String(decoding: APIv2Encoding.silence(silence, at: at("2026-11-25T22:41:00Z")), as: UTF8.self) == expected
                + "\n")
        #expect(
            String(decoding: APIv2Encoding.silences([silence], at: at("2026-11-27T00:00:00Z")), as: UTF8.self)
                == "[" + expected.replacingOccurrences(of: #""state":"active""#, with: #""state":"expired""#) + "]\n")
    }

    @Test func alertIsEncodedAsAlertmanagerDoes() throws {
        let alert = Alert(
            labels: labels("agent=order-1,alertname=AgentDown,instance=a,job=hx,severity=critical"),
            annotations: Labels(["summary": "three"]), startsAt: at("2026-11-25T22:00:02.123Z"),
            endsAt: at("2026-11-25T22:44:35.230Z"), updatedAt: at("2026-11-25T22:39:35.230Z"))
        let status = AlertStatus(silencedBy: ["f364d333-104e-4e0e-97dc-2eaef428bb5b"])
        let expected =
            #"[{"annotations":{"summary":"three"},"endsAt":"2026-11-25T22:44:35.230Z","fingerprint":"70185defa6467a1b","receivers":[{"name":"hook"}],"startsAt":"2026-11-25T22:00:02.123Z","status":{"inhibitedBy":[],"silencedBy":["f364d333-104e-4e0e-97dc-2eaef428bb5b"],"state":"suppressed"},"updatedAt":"2026-11-25T22:39:35.230Z","labels":{"agent":"order-1","alertname":"AgentDown","instance":"a","job":"hx","severity":"critical"}}]"#
        #expect(String(decoding: APIv2Encoding.alerts([(alert, status, ["hook"])]), as: UTF8.self) == expected + "\n")
    }

    @Test func alertGroupsAreEncodedAsAlertmanagerDoes() {
        let alert = Alert(
            labels: labels("alertname=AgentDown"), startsAt: at("2026-11-25T22:39:35.230Z"),
            endsAt: at("2026-11-25T22:44:35.230Z"), updatedAt: at("2026-11-25T22:39:35.230Z"))
        let group = AlertGroup(labels: labels("alertname=AgentDown"), receiver: "hook", groupKey: "", alerts: [alert])
        let expected =
            #"[{"alerts":[{"annotations":{},"endsAt":"2026-11-25T22:44:35.230Z","fingerprint":"71e06096284eed15","receivers":[{"name":"hook"}],"startsAt":"2026-11-25T22:39:35.230Z","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-25T22:39:35.230Z","labels":{"alertname":"AgentDown"}}],"labels":{"alertname":"AgentDown"},"receiver":{"name":"hook"}}]"#
        let body = APIv2Encoding.alertGroups([(group, [(alert, AlertStatus(), ["hook"])])])
        #expect(String(decoding: body, as: UTF8.self) == expected + "\n")
    }

    @Test func statusIsByteForByteAlertmanagers() throws {
        let golden = try testdata("status.golden")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(golden)) as? [String: Any])
        let original = try #require((parsed["config"] as? [String: Any])?["original"] as? String)
        let status = AlertmanagerStatus(
            configOriginal: original, startedAt: at("2026-11-25T22:39:28.257Z"),
            version: "0.25.0", revision: "0.25.0-1+b4", branch: "debian/sid",
            buildUser: "team+pkg-go@tracker.debian.org", buildDate: "20230409-09:50:43",
            goVersion: "go1.19.8")
        #expect(String(decoding: status.encoded(), as: UTF8.self) == String(decoding: golden, as: UTF8.self))
    }

    @Test func decodesWhatAmtoolPosts() throws {
        let body =
            try testdata("amtool-silence-add.json").split(separator: UInt8(ascii: "\n")).first.map(Array.init) ?? []
        let silence = try APIv2Decoding.postableSilence(body)
        #expect(silence.id == "")
        #expect(silence.comment == #"c, "q""#)
        #expect(silence.createdBy == "ops")
        #expect(
            silence.matchers == [
                try LabelMatcher.alertmanager(.regexMatch, "agent", "order-.*"),
                try LabelMatcher.alertmanager(.notEqual, "a", "b"),
            ])
        #expect(silence.endsAt - silence.startsAt == .hours(1))
    }

    @Test(arguments: [
        (
            #"{"matchers":[],"startsAt":"2026-11-25T22:00:00Z","endsAt":"2027-01-01T00:00:00Z","createdBy":"x","comment":"c"}"#,
            SilenceError.badRequest("matchers in body should have at least 1 items")
        ),
        (
            #"{"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":"2026-11-25T22:00:00Z","endsAt":"2027-01-01T00:00:00Z","comment":"c"}"#,
            .badRequest("createdBy in body is required")
        ),
        (
            #"{"matchers":[{"name":"a","value":"b"}],"startsAt":"2026-11-25T22:00:00Z","endsAt":"2027-01-01T00:00:00Z","createdBy":"x","comment":"c"}"#,
            .badRequest("matchers.0.isRegex in body is required")
        ),
        (
            #"{"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":"yesterday","endsAt":"2027-01-01T00:00:00Z","createdBy":"x","comment":"c"}"#,
            .badRequest(#"startsAt in body must be of type date-time: "yesterday""#)
        ),
        (
            #"{"matchers":[{"name":"a","value":"(","isRegex":true}],"startsAt":"2026-11-25T22:00:00Z","endsAt":"2027-01-01T00:00:00Z","createdBy":"x","comment":"c"}"#,
            .invalid(
                "invalid label matcher 0: invalid regular expression \"(\": error parsing regexp: missing closing ): `(`"
            )
        ),
    ])
    func refusesMalformedSilences(body: String, error: SilenceError) {
        #expect(throws: error) { try APIv2Decoding.postableSilence(Array(body.utf8)) }
    }

    @Test func queryFiltersAsAmtoolAsks() throws {
        var query = AlertQuery()
        query.silenced = false
        query.inhibited = false
        try query.parse(filters: ["agent=~\"order-.*\""], receiver: "ho.*")
        let alert = Alert(labels: labels("agent=order-1"), startsAt: .epoch, updatedAt: .epoch)
        #expect(query.selects(alert, status: AlertStatus(), receivers: ["hook"], at: Timestamp(seconds: 10)))
        #expect(
            !query.selects(
                alert, status: AlertStatus(silencedBy: ["s"]), receivers: ["hook"],
                at: Timestamp(seconds: 10)))
        #expect(!query.selects(alert, status: AlertStatus(), receivers: ["other"], at: Timestamp(seconds: 10)))
        var resolved = alert
        resolved.endsAt = Timestamp(seconds: 5)
        #expect(!query.selects(resolved, status: AlertStatus(), receivers: ["hook"], at: Timestamp(seconds: 10)))
    }
}

struct TimestampTests {
    @Test(arguments: [
        ("2026-11-25T22:00:00Z", "2026-11-25T22:00:00Z", "2026-11-25T22:00:00.000Z"),
        ("2026-11-25T22:01:00.25Z", "2026-11-25T22:01:00.25Z", "2026-11-25T22:01:00.250Z"),
        ("2026-11-25T22:00:02.123Z", "2026-11-25T22:00:02.123Z", "2026-11-25T22:00:02.123Z"),
        ("2026-11-25T22:00:02.999Z", "2026-11-25T22:00:02.999Z", "2026-11-25T22:00:02.999Z"),
        ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z"),
    ])
    func formatsAsGoAndAsTheAPI(input: String, go: String, api: String) {
        #expect(at(input).goRFC3339 == go)
        #expect(at(input).rfc3339 == api)
    }

    @Test func zeroTimes() {
        #expect(Timestamp.goZero.goRFC3339 == "0001-01-01T00:00:00Z")
        #expect(Timestamp.goZero.rfc3339 == "0001-01-01T00:00:00.000Z")
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("a\"b\\c", #""a\"b\\c""#),
        ("tab\there\nnl", #""tab\there\nnl""#),
        ("é ü 日本", #""é ü 日本""#),
        ("\u{01}\u{7f}\u{a0}\u{2028}", #""\x01\x7f\u00a0\u2028""#),
    ])
    func quotesAsGo(text: String, quoted: String) {
        #expect(GoFormat.quote(text) == quoted)
    }
}
