import Alerting
import Model

extension FuzzTarget {
    /// `POST /api/v2/silences`' body (a PostableSilence): decoded by ``APIv2Decoding``, validated and stored by
    /// a ``SilenceStore`` as the API does, then matched against alerts' labels and listed with a filter.
    static let silence = FuzzTarget(name: "silence") { bytes in
        guard let silence = try? APIv2Decoding.postableSilence(bytes) else { return }
        var store = SilenceStore()
        var counter = 0
        let newID = {
            counter += 1
            return "id-\(counter)"
        }
        guard let stored = try? store.post(silence, at: now, newID: newID) else { return }
        _ = try? store.post(stored, at: now + .minutes(1), newID: newID)
        for labels in sampleLabels {
            _ = store.silencedBy(labels, at: now)
        }
        _ = store.list(at: now, matching: silence.matchers)
        _ = try? store.expire(id: stored.id, at: now + .minutes(2))
        _ = APIv2Encoding.silences(store.list(at: now + .minutes(3)), at: now + .minutes(3))
    }

    /// Alertmanager matchers (`filter=` of `GET /api/v2/alerts` and `/api/v2/silences`, `matchers:` in the
    /// configuration, amtool's arguments): a list is parsed, and each matcher is tried on some label values.
    static let matchers = FuzzTarget(name: "matchers") { bytes in
        let text = String(fuzzInput: bytes)
        _ = try? MatcherParser.parse(text)
        guard let matchers = try? MatcherParser.parseList(text) else { return }
        for matcher in matchers {
            _ = matcher.matchesEmpty
            _ = matcher.matches(text)
            for labels in sampleLabels {
                _ = matcher.matches(labels)
            }
        }
    }

    /// The evaluation time of the Alertmanager targets.
    private static let now = Timestamp(seconds: 1_767_225_600)

    /// Label sets of alerts a silence or matcher is tried on.
    private static let sampleLabels: [Labels] = [
        Labels(["alertname": "AgentDown", "agent": "builder-1", "severity": "critical", "team": "infra"]),
        Labels(["alertname": "AgentDegraded", "agent": String(repeating: "a", count: 60), "job": "x"]),
        Labels(["alertname": "", "agent": "ünïcödé 🚀", "empty": ""]),
    ]
}
