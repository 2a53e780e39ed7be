import Model
import PromQL

/// `promtool check rules`' default lint (`--lint=duplicate-rules`): rules with the same name and labels.
public enum DuplicateRuleLint {
    /// The lint message promtool prints for `groups`, or nil when no two rules share name and labels.
    ///
    /// promtool reports it under `FAILED:` but still exits 0 (the lint is not fatal by default).
    public static func message(for groups: [RuleGroup]) -> String? {
        let duplicates = findDuplicates(groups)
        guard !duplicates.isEmpty else { return nil }
        var text = "lint error \(duplicates.count) duplicate rule(s) found.\n"
        for rule in duplicates {
            text += "Metric: \(rule.name)\nLabel(s):\n"
            for label in rule.labels { text += "\t\(label.name): \(label.value)\n" }
        }
        return text + "Might cause inconsistency while recording expressions"
    }

    private struct Key: Comparable {
        var name: String
        var labels: [Label]

        static func < (lhs: Key, rhs: Key) -> Bool {
            if lhs.name != rhs.name { return lhs.name < rhs.name }
            return Labels(lhs.labels) < Labels(rhs.labels)
        }
    }

    private static func findDuplicates(_ groups: [RuleGroup]) -> [Key] {
        let keys = groups.flatMap { group in group.rules.map(key) }.sorted()
        var duplicates: [Key] = []
        for (previous, current) in zip(keys, keys.dropFirst()) where previous == current {
            if duplicates.last != previous { duplicates.append(current) }
        }
        return duplicates
    }

    private static func key(_ rule: Rule) -> Key {
        switch rule {
        case .alerting(let alerting): Key(name: alerting.name, labels: alerting.labels.sorted())
        case .recording(let recording): Key(name: recording.name, labels: recording.labels.sorted())
        }
    }
}
