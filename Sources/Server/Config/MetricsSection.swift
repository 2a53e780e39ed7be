import Fleet
import Model
import YAMLConfig

/// The `metrics:` section: the task-duration buckets and the cardinality controls.
enum MetricsSection {
    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> (
        buckets: [Double], exposition: ExpositionOptions
    ) {
        var buckets = DurationHistogram.defaultUpperBounds
        var exposition = ExpositionOptions.standard
        let keys: Set<String> = ["task_duration_buckets", "per_agent_histograms", "drop_labels"]
        for (key, child) in try reader.mapping(allowed: keys) {
            switch key {
            case "per_agent_histograms": exposition.perAgentHistograms = try child.bool()
            case "drop_labels": exposition.droppedLabels = try droppedLabels(child)
            default: buckets = try self.buckets(child)
            }
        }
        return (buckets, exposition)
    }

    private static func buckets(_ reader: YAMLNodeReader) throws(ConfigError) -> [Double] {
        var buckets: [Double] = []
        for item in try reader.sequence() { buckets.append(try item.number()) }
        guard !buckets.isEmpty else { throw reader.error("must list at least one bucket") }
        guard zip(buckets, buckets.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw reader.error("buckets must be in strictly increasing order")
        }
        return buckets
    }

    private static func droppedLabels(_ reader: YAMLNodeReader) throws(ConfigError) -> Set<String> {
        var names: Set<String> = []
        for item in try reader.sequence() {
            let name = try item.string()
            if ExpositionOptions.undroppableLabels.contains(name) {
                throw item.error(
                    name == "agent"
                        ? "agent cannot be dropped: it names every series of the fleet"
                        : "\(name) is not an agent label: it belongs to the metric families and cannot be dropped")
            }
            guard isValidLabelName(name) else { throw item.error("\(name) is not a valid label name") }
            names.insert(name)
        }
        return names
    }
}
