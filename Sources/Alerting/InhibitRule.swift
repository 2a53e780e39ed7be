import Model
import YAMLConfig

/// An `inhibit_rules` entry: while an alert matching ``sourceMatchers`` fires, alerts matching
/// ``targetMatchers`` with the same values of the ``equal`` labels are muted.
public struct InhibitRule: Sendable, Equatable {
    /// Matchers a firing source alert must satisfy (`source_matchers`, legacy `source_match`/`_re`).
    public var sourceMatchers: [LabelMatcher]
    /// Matchers a muted target alert must satisfy (`target_matchers`, legacy `target_match`/`_re`).
    public var targetMatchers: [LabelMatcher]
    /// Labels whose values must be equal in source and target (absent counts as "").
    public var equal: [String]

    /// Creates a rule.
    public init(sourceMatchers: [LabelMatcher], targetMatchers: [LabelMatcher], equal: [String] = []) {
        self.sourceMatchers = sourceMatchers
        self.targetMatchers = targetMatchers
        self.equal = equal
    }

    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> InhibitRule {
        var rule = InhibitRule(sourceMatchers: [], targetMatchers: [])
        let keys: Set<String> = [
            "source_matchers", "source_match", "source_match_re", "target_matchers", "target_match", "target_match_re",
            "equal",
        ]
        for (key, child) in try reader.mapping(allowed: keys) {
            switch key {
            case "source_matchers": rule.sourceMatchers += try child.matcherList()
            case "source_match": rule.sourceMatchers += try child.legacyMatchers(regex: false)
            case "source_match_re": rule.sourceMatchers += try child.legacyMatchers(regex: true)
            case "target_matchers": rule.targetMatchers += try child.matcherList()
            case "target_match": rule.targetMatchers += try child.legacyMatchers(regex: false)
            case "target_match_re": rule.targetMatchers += try child.legacyMatchers(regex: true)
            default: rule.equal = try child.labelNameList()
            }
        }
        return rule
    }
}
