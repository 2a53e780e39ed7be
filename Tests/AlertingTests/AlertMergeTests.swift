import Alerting
import Model
import Testing

/// How a received alert replaces or merges with the one held: Alertmanager's `Alert.Merge` (the cases of its
/// `TestAlertMerge` whose alerts carry an explicit `endsAt`, as every alert of a rule does) and the overlap test
/// of its memory provider's `Put`.
struct AlertMergeTests {
    static let now = Timestamp(seconds: 1_767_225_600)

    /// An alert whose times are minutes from ``now``; its summary says which one it is.
    static func alert(_ name: String, starts: Int, ends: Int, updated: Int) -> Alert {
        Alert(
            labels: labels("alertname=Cost,agent=a"), annotations: labels("summary=\(name)"),
            startsAt: now + .minutes(starts), endsAt: now + .minutes(ends), updatedAt: now + .minutes(updated))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// The older alert (A in Alertmanager's table) and the younger one (B).
        let older: Alert
        let younger: Alert
        /// The merged alert's startsAt and endsAt, in minutes from ``now``.
        let starts: Int
        let ends: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "both firing: A's earlier start and later end", older: alert("A", starts: -1, ends: 3, updated: 0),
            younger: alert("B", starts: 0, ends: 2, updated: 1), starts: -1, ends: 3),
        Case(
            name: "both firing: B's later end", older: alert("A", starts: -1, ends: 3, updated: 0),
            younger: alert("B", starts: -1, ends: 4, updated: 1), starts: -1, ends: 4),
        Case(
            name: "A resolved, B firing", older: alert("A", starts: -3, ends: -1, updated: 0),
            younger: alert("B", starts: -2, ends: 1, updated: 1), starts: -3, ends: 1),
        Case(
            name: "B resolved, A firing: the resolution wins", older: alert("A", starts: -2, ends: 3, updated: 0),
            younger: alert("B", starts: -2, ends: 0, updated: 1), starts: -2, ends: 0),
        Case(
            name: "both resolved: the latest end wins", older: alert("A", starts: -3, ends: -1, updated: -1),
            younger: alert("B", starts: -4, ends: -2, updated: 1), starts: -4, ends: -1),
    ]

    @Test(arguments: cases)
    func theYoungerAlertWinsWithTheEarliestStart(_ pair: Case) {
        for merged in [
            pair.older.merged(with: pair.younger, at: Self.now),
            pair.younger.merged(with: pair.older, at: Self.now),
        ] {
            #expect(merged.annotations == labels("summary=B"), "the younger alert's annotations")
            #expect(merged.updatedAt == pair.younger.updatedAt)
            #expect(merged.startsAt == Self.now + .minutes(pair.starts))
            #expect(merged.endsAt == Self.now + .minutes(pair.ends))
        }
    }

    @Test func aResentFiringAlertReplacesTheStoredOneAsItIs() {
        let stored = Self.alert("55.75", starts: -5, ends: 3, updated: -1)
        let resent = Self.alert("131.18", starts: -5, ends: 4, updated: 0)
        #expect(resent.storing(over: stored, at: Self.now) == resent)
        #expect(resent.storing(over: nil, at: Self.now) == resent)
    }

    @Test func aResolutionWithinTheStoredRangeIsMerged() {
        let stored = Self.alert("firing", starts: -5, ends: 3, updated: -1)
        let resolved = Self.alert("resolved", starts: -4, ends: 0, updated: 0)
        let kept = resolved.storing(over: stored, at: Self.now)
        #expect(kept.startsAt == stored.startsAt, "the earliest start is kept")
        #expect(kept.endsAt == resolved.endsAt)
        #expect(kept.annotations == resolved.annotations)
    }

    @Test func aNewEpisodeAfterAResolutionReplacesTheOldOne() {
        let stored = Self.alert("old", starts: -30, ends: -20, updated: -20)
        let fresh = Self.alert("new", starts: -1, ends: 3, updated: 0)
        #expect(fresh.storing(over: stored, at: Self.now) == fresh)
    }
}
