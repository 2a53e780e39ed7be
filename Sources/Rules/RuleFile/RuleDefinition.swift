import Model

/// A text value from a rule file with where it was written.
public struct PositionedText: Sendable, Hashable {
    /// The text ("" when the field is absent).
    public var text: String
    /// Where the value was written (``SourcePosition/missing`` when absent).
    public var position: SourcePosition

    /// Creates a value.
    public init(_ text: String, at position: SourcePosition = .missing) {
        self.text = text
        self.position = position
    }
}

/// One rule as written in a rule file, before validation.
public struct RuleDefinition: Sendable {
    /// `record:` (empty when absent).
    public var record = PositionedText("")
    /// `alert:` (empty when absent).
    public var alert = PositionedText("")
    /// `expr:` (empty when absent).
    public var expr = PositionedText("")
    /// `for:`.
    public var holdDuration = PrometheusDuration.zero
    /// `keep_firing_for:`.
    public var keepFiringFor = PrometheusDuration.zero
    /// `labels:` in file order.
    public var labels: [(name: String, value: String)] = []
    /// `annotations:` in file order.
    public var annotations: [(name: String, value: String)] = []

    /// The rule's name: the alert name, else the record name.
    public var name: String { alert.text.isEmpty ? record.text : alert.text }
}

/// One group as written in a rule file, before validation.
public struct RuleGroupDefinition: Sendable {
    /// `name:`.
    public var name = PositionedText("")
    /// `interval:` (nil: the global evaluation interval).
    public var interval: PrometheusDuration?
    /// `limit:` (0: no limit).
    public var limit = 0
    /// The rules, in file order.
    public var rules: [RuleDefinition] = []
}
