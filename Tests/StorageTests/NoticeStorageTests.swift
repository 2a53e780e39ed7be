import Alerting
import Model
import Testing

/// `NoticeStorage` on every backend: notices come back from a reopened storage as saved (labels, annotations, start,
/// resolution), a resolution replaces the firing version, and forgotten ones are deleted.
struct NoticeStorageTests {
    @Test(arguments: StorageConformanceTests.Backend.allCases)
    func noticesComeBackAsSavedAndForgottenOnesAreDeleted(backend: StorageConformanceTests.Backend) throws {
        let opened = StorageConformanceTests.Opened(backend)
        let start = StorageConformanceTests.start
        let kill = Alerting.Alert(
            labels: Labels([
                Label("alertname", "HeartbeatExporterNotice"), Label("notice", "agent_killed"), Label("agent", "w1"),
                Label("at", "2026-12-06T21:40:01.120Z"), Label("severity", "info"),
            ]),
            annotations: Labels([Label("summary", "agent w1 killed by alice"), Label("created_by", "alice")]),
            startsAt: start, updatedAt: start)
        var silence = kill
        silence.labels = Labels([
            Label("alertname", "HeartbeatExporterNotice"), Label("notice", "silence_created"),
            Label("silence_id", "s1"), Label("at", "2026-12-06T21:40:02.000Z"), Label("severity", "info"),
        ])
        let sorted = [kill, silence].sorted { $0.fingerprint < $1.fingerprint }
        try opened.open().saveNotices([kill, silence], deleting: [])
        #expect(try opened.open().loadNotices() == sorted)

        var resolved = kill
        resolved.endsAt = start + .seconds(30)
        resolved.updatedAt = start + .seconds(30)
        try opened.open().saveNotices([resolved], deleting: [silence.fingerprint])
        #expect(try opened.open().loadNotices() == [resolved])
    }
}
