import Model
import Alerting
import Model
import PromQL
import Testing

struct InhibitionTests {
    static let now = at("2026-11-25T22:00:00Z")

    static func rules() throws -> [InhibitRule] {
        let yaml = """
            route: {receiver: r}
            receivers: [{name: r}]
            inhibit_rules:
              - source_matchers: [severity=critical]
                target_matchers: [severity=~"warning|info"]
                equal: [agent]
              - source_matchers: [alertname=ExporterDown]
                target_matchers: [alertname=~".+"]
            """
        return try #require(try alertingConfig(yaml)).inhibitRules
    }

    static func alert(_ text: String, resolved: Bool = false) -> Alert {
        Alert(
            labels: labels(text), startsAt: now - .seconds(60), endsAt: resolved ? now - .seconds(1) : nil,
            updatedAt: now - .seconds(60))
    }

    @Test(arguments: [
        (["alertname=Down,agent=a,severity=critical"], "alertname=Slow,agent=a,severity=warning", true),
        // `equal` differs:
        (["alertname=Down,agent=a,severity=critical"], "alertname=Slow,agent=b,severity=warning", false),
        // not a target:
        (["alertname=Down,agent=a,severity=critical"], "alertname=Slow,agent=a,severity=critical", false),
        (["alertname=Down,severity=critical"], "alertname=Slow,severity=info", true),  // agent absent on both: equal
        ([] as [String], "alertname=Slow,agent=a,severity=warning", false),
        (["alertname=ExporterDown"], "alertname=Slow", true),
        (["alertname=ExporterDown"], "alertname=ExporterDown", false),  // source and target at once: not itself
    ])
    func firingSourcesInhibitMatchingTargets(sources: [String], target: String, inhibited: Bool) throws {
        let alerts = sources.map { Self.alert($0) } + [Self.alert(target)]
        let inhibition = Inhibitor(rules: try Self.rules()).evaluate(alerts, at: Self.now)
        let by = inhibition.inhibitedBy(labels(target))
        #expect((by != nil) == inhibited)
        if inhibited, let first = sources.first {
            #expect(by == labels(first).fingerprint)
        }
    }

    @Test func resolvedSourcesDoNotInhibit() throws {
        let source = Self.alert("alertname=Down,agent=a,severity=critical", resolved: true)
        let inhibition = Inhibitor(rules: try Self.rules()).evaluate([source], at: Self.now)
        #expect(inhibition.inhibitedBy(labels("agent=a,severity=warning")) == nil)
    }

    @Test func statusNamesSilencesAndInhibitingAlerts() throws {
        var silences = SilenceStore()
        let silence = try silences.post(
            Silence(
                matchers: [try LabelMatcher.alertmanager(.equal, "agent", "a")], startsAt: Self.now,
                endsAt: Self.now + .seconds(60),
                createdBy: "ops", comment: "c"), at: Self.now, newID: { "s1" })
        let source = Self.alert("alertname=Down,agent=a,severity=critical")
        let inhibition = Inhibitor(rules: try Self.rules()).evaluate([source], at: Self.now)
        let status = AlertStatus.of(
            labels("agent=a,severity=warning"), silences: silences, inhibition: inhibition,
            at: Self.now + .seconds(1))
        #expect(status == AlertStatus(silencedBy: [silence.id], inhibitedBy: [source.fingerprint.description]))
        #expect(status.state == .suppressed)
        #expect(
            AlertStatus.of(labels("agent=b"), silences: silences, inhibition: inhibition, at: Self.now).state == .active
        )
    }
}
