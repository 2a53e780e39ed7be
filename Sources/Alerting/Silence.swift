import Model

/// Where a silence is in its life, a pure function of time (Alertmanager's `getState`).
public enum SilenceState: String, Sendable, Equatable, CaseIterable {
    /// `startsAt` is still in the future.
    case pending
    /// Between `startsAt` and `endsAt`, both included: it mutes matching alerts.
    case active
    /// `endsAt` has passed.
    case expired
}

/// A silence: alerts whose labels satisfy all ``matchers`` are muted while it is active.
public struct Silence: Sendable, Equatable {
    /// A UUID, assigned when the silence is first stored.
    public var id: String
    /// The matchers, all of which must match.
    public var matchers: [LabelMatcher]
    /// When muting starts.
    public var startsAt: Timestamp
    /// When muting ends.
    public var endsAt: Timestamp
    /// When the silence was last written.
    public var updatedAt: Timestamp
    /// Who created it.
    public var createdBy: String
    /// Why.
    public var comment: String

    /// Creates a silence.
    public init(
        id: String = "", matchers: [LabelMatcher], startsAt: Timestamp, endsAt: Timestamp,
        updatedAt: Timestamp = .epoch, createdBy: String, comment: String
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// The state at `time`: pending before `startsAt`, expired after `endsAt`, active otherwise.
    public func state(at time: Timestamp) -> SilenceState {
        if time < startsAt { return .pending }
        if time > endsAt { return .expired }
        return .active
    }

    /// Whether all matchers match `labels` (regardless of state).
    public func matches(_ labels: Labels) -> Bool { matchers.matches(labels) }

    /// Whether the silence mutes `labels` at `time`.
    public func mutes(_ labels: Labels, at time: Timestamp) -> Bool {
        state(at: time) == .active && matches(labels)
    }

    /// Checks the silence as Alertmanager's `validateSilence` does (the ID is assigned by the store).
    /// - Throws: ``SilenceError/invalid(_:)`` with Alertmanager's message, such as
    ///   `at least one matcher must not match the empty string`.
    public func validate() throws(SilenceError) {
        guard !matchers.isEmpty else { throw .invalid("at least one matcher required") }
        for (index, matcher) in matchers.enumerated() where !isValidLabelName(matcher.name) {
            throw .invalid("invalid label matcher \(index): invalid label name \(GoFormat.quote(matcher.name))")
        }
        if matchers.allSatisfy(\.matchesEmptyForSilence) {
            throw .invalid("at least one matcher must not match the empty string")
        }
        if endsAt < startsAt { throw .invalid("end time must not be before start time") }
    }
}

extension LabelMatcher {
    /// Alertmanager's `matchesEmpty` for silences: only `=` and `=~` count; `!=`/`!~` never do.
    var matchesEmptyForSilence: Bool {
        switch type {
        case .equal, .regexMatch: matches("")
        case .notEqual, .regexNoMatch: false
        }
    }
}

/// Why a silence was refused or not found, worded as Alertmanager's API answers.
public enum SilenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No silence has this ID (HTTP 404).
    case notFound
    /// The silence breaks a rule (HTTP 400); the text is Alertmanager's reason.
    case invalid(String)
    /// The API refuses the request before storing (HTTP 400), such as an `endsAt` in the past.
    case badRequest(String)

    public var description: String {
        switch self {
        case .notFound: "silence not found"
        case .invalid(let reason): "silence invalid: \(reason)"
        case .badRequest(let message): message
        }
    }
}
