import Model

/// Applies ``InhibitRule``s: a firing alert matching a rule's source matchers mutes alerts matching its
/// target matchers that have the same values for the `equal` labels (Alertmanager's `inhibit.Inhibitor`).
public struct Inhibitor: Sendable {
    /// The rules, in configuration order.
    public let rules: [InhibitRule]

    /// Creates an inhibitor.
    public init(rules: [InhibitRule]) {
        self.rules = rules
    }

    /// The state of inhibition among `alerts` at `time`: each rule's firing source alerts.
    public func evaluate(_ alerts: [Alert], at time: Timestamp) -> Inhibition {
        let firing = alerts.filter { !$0.isResolved(at: time) }.sorted { $0.fingerprint < $1.fingerprint }
        let sources = rules.map { rule in firing.filter { rule.sourceMatchers.matches($0.labels) }.map(\.labels) }
        return Inhibition(rules: rules, sources: sources)
    }
}

/// The firing source alerts of each inhibition rule at one moment; answers which alert inhibits which.
public struct Inhibition: Sendable {
    let rules: [InhibitRule]
    let sources: [[Labels]]

    /// No inhibition at all.
    public static let none = Inhibition(rules: [], sources: [])

    /// The fingerprint of the alert that inhibits an alert with `labels`, or nil when none does.
    ///
    /// An alert that matches both a rule's source and target matchers is not inhibited by alerts that
    /// also match both, so an alert never inhibits itself.
    public func inhibitedBy(_ labels: Labels) -> Fingerprint? {
        for (rule, ruleSources) in zip(rules, sources) where rule.targetMatchers.matches(labels) {
            let targetIsAlsoSource = rule.sourceMatchers.matches(labels)
            for source in ruleSources where rule.equal.allSatisfy({ source[$0] == labels[$0] }) {
                if targetIsAlsoSource && rule.targetMatchers.matches(source) { continue }
                return source.fingerprint
            }
        }
        return nil
    }
}
