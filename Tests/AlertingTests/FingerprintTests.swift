import Alerting
import Model
import PromQL
import Testing

/// Fingerprints read from the real Alertmanager 0.25's `/api/v2/alerts` for the same label sets.
struct FingerprintTests {
    @Test(arguments: [
        (["a": "b"], "d2b371819297f98a"),
        (["alertname": "AgentDown"], "71e06096284eed15"),
        (["a": "b", "a0": "c", "b": "é\n\"x"], "4d47b75578090b58"),
        (
            ["agent": "order-1", "alertname": "AgentDown", "instance": "a", "job": "hx", "severity": "critical"],
            "70185defa6467a1b"
        ),
        (
            ["agent": "order-1", "alertname": "AgentDown", "instance": "b", "job": "hx", "severity": "critical"],
            "b7927fc9c076bf12"
        ),
        (["agent": "order-1", "alertname": "AgentDown", "job": "hx", "severity": "critical"], "9faad87e9512877b"),
        (["alertname": "X", "team": "a"], "68ba9672b0834414"),
    ])
    func matchesAlertmanager(pairs: [String: String], expected: String) {
        let set = Labels(pairs.map { Label($0.key, $0.value) })
        #expect(set.fingerprint.description == expected)
        #expect(Fingerprint(hex: expected) == set.fingerprint)
    }

    @Test func emptyLabelSetIsTheFNVOffsetBasis() {
        #expect(Labels.empty.fingerprint.description == "cbf29ce484222325")
    }
}
