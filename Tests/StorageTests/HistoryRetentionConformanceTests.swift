import Fleet
import Model
import Storage
import Testing

/// Agents' transitions on every backend: beyond the newest 1,000, every one since ``FleetChanges/historyKeptSince``
/// stays (with the last one before it, the state then), so uptime over the activity retention counts them all.
extension StorageConformanceTests {
    /// An operator's trial: an agent with more than 1,000 transitions in 30 days got a wrong 30-day uptime.
    @Test(arguments: Backend.allCases)
    func everyTransitionWithinTheRetentionIsKeptAndGivesTheUptime(backend: Backend) throws {
        let opened = Opened(backend)
        let since = Self.start
        let older = Transition(agent: "a", from: nil, to: .healthy, at: since - .hours(240), reason: "first beat")
        let lastBefore = Transition(agent: "a", from: .healthy, to: .unreachable, at: since - .hours(24), reason: "")
        var transitions = [older, lastBefore]
        // 720 hours: up 40 minutes, down 20, each hour; 1,440 transitions.
        for hour in 0..<720 {
            let at = since + .hours(hour)
            transitions.append(Transition(agent: "a", from: .unreachable, to: .healthy, at: at, reason: "beat"))
            transitions.append(
                Transition(agent: "a", from: .healthy, to: .unreachable, at: at + .minutes(40), reason: "silent"))
        }
        for batch in stride(from: 0, to: transitions.count, by: 200) {
            var changes = FleetChanges()
            changes.transitions = Array(transitions[batch..<min(batch + 200, transitions.count)])
            changes.historyKeptSince = since
            try opened.open().apply(changes)
        }
        let storage = try opened.open()
        #expect(try storage.history(of: "a", limit: 10_000) == Array(transitions.dropFirst()), "only the oldest goes")
        let read = try storage.history(of: "a", since: since)
        #expect(read == Array(transitions.dropFirst()))
        #expect(Uptime.ratio(of: read, from: since, to: since + .hours(720)) == 2.0 / 3.0)
        #expect(try storage.history(of: "a", since: since + .hours(719)).count == 3, "the state then, and after")
        #expect(try storage.history(of: "nobody", since: since).isEmpty)

        var unbounded = FleetChanges()
        unbounded.transitions = [
            Transition(agent: "a", from: .unreachable, to: .healthy, at: since + .hours(720), reason: "beat")
        ]
        try storage.apply(unbounded)
        #expect(try storage.history(of: "a", limit: 10_000).count == FleetChanges.storedHistoryLimit)
    }
}
