import Model
import PromQL

/// Which rules of a group may be evaluated at the same time as the others, as Prometheus'
/// `concurrent-rule-eval` decides it: a rule that reads no other rule's output of the group and whose output no
/// other rule of the group reads. Its samples are the same whether it runs before, after or beside the others.
///
/// A group where some selector has no metric name, or reads `ALERTS` / `ALERTS_FOR_STATE`, is evaluated in order:
/// what such a rule reads cannot be told from its expression.
struct RuleDependencies: Sendable {
    /// The rules that read another's output or whose output another reads, in file order.
    let ordered: [Int]
    /// The rules that may run beside the others.
    let independent: [Int]

    /// The rule indices in evaluation batches: the rules that depend on each other in file order, then each
    /// independent rule on its own. A single batch when none is independent.
    var batches: [[Int]] { (ordered.isEmpty ? [] : [ordered]) + independent.map { [$0] } }

    init(_ rules: [Rule]) {
        guard rules.count > 1, let reads = Self.namesRead(rules) else {
            ordered = Array(rules.indices)
            independent = []
            return
        }
        let written = Dictionary(grouping: rules.indices, by: { rules[$0].name })
        var related = Set<Int>()
        for (reader, names) in reads.enumerated() {
            for name in names {
                guard let writers = written[name] else { continue }
                related.insert(reader)
                related.formUnion(writers)
            }
        }
        ordered = rules.indices.filter { related.contains($0) }
        independent = rules.indices.filter { !related.contains($0) }
    }

    /// The metric names each rule's selectors read; nil when some selector has none or reads the alerts' series.
    private static func namesRead(_ rules: [Rule]) -> [Set<String>]? {
        var reads: [Set<String>] = []
        for rule in rules {
            var names = Set<String>()
            for matchers in rule.expression.selectorMatchers {
                guard
                    let name = matchers.first(where: { $0.name == metricNameLabel && $0.type == .equal })?.value,
                    name != "ALERTS", name != "ALERTS_FOR_STATE"
                else { return nil }
                names.insert(name)
            }
            reads.append(names)
        }
        return reads
    }
}
