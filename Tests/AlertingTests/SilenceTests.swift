import Model
import Alerting
import Model
import PromQL
import Testing

struct SilenceTests {
    static let start = at("2026-11-25T22:00:00Z")

    static func silence(_ matchers: [LabelMatcher], startsAt: Timestamp = start, endsAt: Timestamp = start + .hours(1))
        -> Silence
    {
        Silence(matchers: matchers, startsAt: startsAt, endsAt: endsAt, createdBy: "ops", comment: "maintenance")
    }

    @Test(arguments: [
        (-1.0, SilenceState.pending),
        (0, .active),
        (1800, .active),
        (3600, .active),  // endsAt itself is still active
        (3600.001, .expired),
    ])
    func stateIsAFunctionOfTime(offset: Double, state: SilenceState) throws {
        let silence = Self.silence([try LabelMatcher.alertmanager(.equal, "agent", "a")])
        #expect(silence.state(at: Self.start + .seconds(offset)) == state)
        #expect(silence.mutes(labels("agent=a"), at: Self.start + .seconds(offset)) == (state == .active))
    }

    @Test(arguments: [
        ([] as [(LabelMatcher.MatchType, String)], "silence invalid: at least one matcher required"),
        ([(.equal, "")], "silence invalid: at least one matcher must not match the empty string"),
        ([(.regexMatch, ".*"), (.equal, "")], "silence invalid: at least one matcher must not match the empty string"),
        ([(.regexMatch, "a*")], "silence invalid: at least one matcher must not match the empty string"),
    ])
    func refusesSilencesMatchingEverything(specs: [(LabelMatcher.MatchType, String)], message: String) throws {
        let matchers = try specs.map { try LabelMatcher.alertmanager($0.0, "agent", $0.1) }
        var store = SilenceStore()
        #expect(throws: SilenceError.invalid(String(message.dropFirst("silence invalid: ".count)))) {
            try store.post(Self.silence(matchers), at: Self.start)
        }
        #expect(SilenceError.invalid(String(message.dropFirst("silence invalid: ".count))).description == message)
    }

    @Test func acceptsNotEqualEmpty() throws {
        var store = SilenceStore()
        let stored = try store.post(
            Self.silence([try LabelMatcher.alertmanager(.notEqual, "agent", "")]), at: Self.start)
        #expect(!stored.id.isEmpty)
    }

    @Test func apiRefusesBackwardsOrPastSilences() throws {
        var store = SilenceStore()
        let matcher = try LabelMatcher.alertmanager(.equal, "agent", "a")
        #expect(throws: SilenceError.badRequest("Failed to create silence: start time must be before end time")) {
            try store.post(Self.silence([matcher], endsAt: Self.start), at: Self.start)
        }
        #expect(throws: SilenceError.badRequest("Failed to create silence: end time can't be in the past")) {
            try store.post(
                Self.silence(
                    [matcher], startsAt: Self.start - .seconds(7200),
                    endsAt: Self.start - .seconds(3600)), at: Self.start)
        }
    }

    @Test func newSilencesStartNoEarlierThanNowAndGetAnID() throws {
        var store = SilenceStore()
        let stored = try store.post(
            Self.silence([try LabelMatcher.alertmanager(.equal, "a", "1")], startsAt: Self.start - .seconds(60)),
            at: Self.start, newID: { "id-1" })
        #expect(stored.id == "id-1")
        #expect(stored.startsAt == Self.start)
        #expect(stored.updatedAt == Self.start)
        #expect(store.silencedBy(labels("a=1,b=2"), at: Self.start + .seconds(1)) == ["id-1"])
    }

    @Test func updatesInPlaceOrReplacesAsAlertmanager() throws {
        var store = SilenceStore()
        var ids = ["first", "second"].makeIterator()
        let next = { ids.next() ?? "none" }
        let matcher = try LabelMatcher.alertmanager(.equal, "a", "1")
        var silence = try store.post(Self.silence([matcher]), at: Self.start, newID: next)
        silence.endsAt += .hours(1)  // extending an active silence keeps its ID
        #expect(try store.post(silence, at: Self.start + .seconds(10), newID: next).id == "first")
        silence = try #require(store.silence(id: "first"))
        silence.matchers = [try LabelMatcher.alertmanager(.equal, "a", "2")]  // new matchers: old one expired, new ID
        let replaced = try store.post(silence, at: Self.start + .seconds(20), newID: next)
        #expect(replaced.id == "second")
        #expect(store.silence(id: "first")?.state(at: Self.start + .seconds(21)) == .expired)
    }

    @Test func expireEndsActiveAndPendingSilences() throws {
        var store = SilenceStore()
        let matcher = try LabelMatcher.alertmanager(.equal, "a", "1")
        let active = try store.post(Self.silence([matcher]), at: Self.start, newID: { "active" })
        let pending = try store.post(
            Self.silence([matcher], startsAt: Self.start + .seconds(600)), at: Self.start,
            newID: { "pending" })
        try store.expire(id: active.id, at: Self.start + .seconds(5))
        try store.expire(id: pending.id, at: Self.start + .seconds(5))
        #expect(store.silence(id: "active")?.endsAt == Self.start + .seconds(5))
        #expect(store.silence(id: "pending")?.startsAt == Self.start + .seconds(5))
        #expect(store.silence(id: "pending")?.state(at: Self.start + .seconds(6)) == .expired)
        #expect(throws: SilenceError.notFound) { try store.expire(id: "missing", at: Self.start) }
    }

    @Test func listsActiveThenPendingThenExpired() throws {
        var store = SilenceStore()
        let matcher = try LabelMatcher.alertmanager(.equal, "a", "1")
        _ = try store.post(
            Self.silence([matcher], startsAt: Self.start + .seconds(100)), at: Self.start,
            newID: { "pending" })
        _ = try store.post(
            Self.silence([matcher], endsAt: Self.start + .seconds(50)), at: Self.start,
            newID: { "expired" })
        _ = try store.post(Self.silence([matcher]), at: Self.start, newID: { "active" })
        #expect(store.list(at: Self.start + .seconds(60)).map(\.id) == ["active", "pending", "expired"])
        #expect(store.collectGarbage(at: Self.start + .seconds(50) + store.retention + .seconds(1)) == ["expired"])
    }
}

/// Alertmanager's `--silences.max-silences` and `--silences.max-silence-size-bytes`, with its error texts.
struct SilenceLimitTests {
    static let now = Timestamp(milliseconds: 1_764_000_000_000)

    static func silence(comment: String = "c", matcher: String = "a") throws -> Silence {
        Silence(
            matchers: [try LabelMatcher.alertmanager(.equal, "agent", matcher)], startsAt: now, endsAt: now + .hours(1),
            createdBy: "x",
            comment: comment)
    }

    @Test func oneSilenceTooManyIsRefusedNamingTheLimitAndExpiredOnesCount() throws {
        var store = SilenceStore(limits: SilenceLimits(maxSilences: 2, maxSilenceSizeBytes: 0))
        let first = try store.post(try Self.silence(matcher: "a"), at: Self.now)
        _ = try store.post(try Self.silence(matcher: "b"), at: Self.now)
        try store.expire(id: first.id, at: Self.now)
        #expect(throws: SilenceError.badRequest("exceeded maximum number of silences: 2 (limit: 2)")) {
            try store.post(try Self.silence(matcher: "c"), at: Self.now)
        }
        #expect(store.silences.count == 2)
    }

    @Test func anUpdateInPlaceIsNotCountedAsANewSilence() throws {
        var store = SilenceStore(limits: SilenceLimits(maxSilences: 1, maxSilenceSizeBytes: 0))
        var stored = try store.post(try Self.silence(), at: Self.now)
        stored.comment = "longer"
        #expect(try store.post(stored, at: Self.now).id == stored.id)
    }

    @Test func aSilenceOverTheSizeLimitIsRefusedNamingItsSizeAndTheLimit() throws {
        var store = SilenceStore(limits: SilenceLimits(maxSilences: 0, maxSilenceSizeBytes: 1_000))
        let big = try Self.silence(comment: String(repeating: "x", count: 1_000))
        #expect {
            try store.post(big, at: Self.now)
        } throws: { error in
            "\(error)".hasPrefix("silence exceeded maximum size: ")
                && "\(error)".hasSuffix(" bytes (limit: 1000 bytes)")
        }
        let small = try store.post(try Self.silence(comment: "short"), at: Self.now)
        var grown = small
        grown.comment = String(repeating: "y", count: 1_000)
        #expect(throws: SilenceError.self) { try store.post(grown, at: Self.now) }
        #expect(store.silence(id: small.id)?.comment == "short")
    }

    @Test func zeroMeansNoLimit() throws {
        var store = SilenceStore(limits: .unlimited)
        for index in 0..<50 {
            _ = try store.post(
                try Self.silence(comment: String(repeating: "x", count: 20_000), matcher: "\(index)"), at: Self.now)
        }
        #expect(store.silences.count == 50)
    }
}
