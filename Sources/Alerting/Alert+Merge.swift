import Model

extension Alert {
    /// This alert as Alertmanager's alert store (`provider/mem` `Alerts.Put`) keeps it when it arrives while
    /// `stored` (the alert with the same labels) is held: merged with it when their activity ranges overlap
    /// (``merged(with:at:)``), else replacing it as it is.
    ///
    /// A rule's alert resent while it keeps firing does not overlap in Alertmanager's sense (same `startsAt`, a
    /// later `endsAt`), so it replaces the stored one: annotations, `endsAt` and `updatedAt` are the new ones.
    /// - Parameter now: the time of arrival; Alertmanager asks whether an alert is resolved at that time.
    public func storing(over stored: Alert?, at now: Timestamp) -> Alert {
        guard let stored else { return self }
        let ends = endsAt ?? .goZero, storedEnds = stored.endsAt ?? .goZero
        let overlaps =
            (ends > stored.startsAt && ends < storedEnds) || (startsAt > stored.startsAt && startsAt < storedEnds)
        return overlaps ? stored.merged(with: self, at: now) : self
    }

    /// Alertmanager's `Alert.Merge`: the younger alert (by `updatedAt`; `other` when equal) wins — its labels,
    /// annotations, `generatorURL`, `updatedAt` and `endsAt` — with the earlier `startsAt` of the two. The older
    /// alert's `endsAt` is kept when it is later and both are resolved at `now`, or, while the younger still
    /// fires, whenever it is later (a nil `endsAt` is Go's zero time, earlier than any other).
    public func merged(with other: Alert, at now: Timestamp) -> Alert {
        if other.updatedAt < updatedAt { return other.merged(with: self, at: now) }
        var result = other
        if startsAt < other.startsAt { result.startsAt = startsAt }
        let olderEnds = endsAt ?? .goZero, youngerEnds = other.endsAt ?? .goZero
        if other.isResolved(at: now) {
            if isResolved(at: now) && olderEnds > youngerEnds { result.endsAt = endsAt }
        } else if olderEnds > youngerEnds {
            result.endsAt = endsAt
        }
        return result
    }
}
