import Fleet
import Model
import YAMLConfig

/// The `health:` section: thresholds and their per-type overrides.
enum HealthSection {
    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> HealthPolicy {
        var policy = HealthPolicy.standard
        let keys: Set<String> = ["degraded_after", "unreachable_after", "stopped_retention", "by_agent_type"]
        var overrides: [(key: String, reader: YAMLNodeReader)] = []
        for (key, child) in try reader.mapping(allowed: keys) {
            switch key {
            case "degraded_after": policy.defaults.degradedAfter = try positive(child)
            case "unreachable_after": policy.defaults.unreachableAfter = try positive(child)
            case "stopped_retention": policy.stoppedRetention = try positive(child)
            default: overrides = try child.mapping()
            }
        }
        try checkOrder(policy.defaults, reader)
        for (agentType, child) in overrides {
            policy.byAgentType[agentType] = try thresholds(child, defaults: policy.defaults)
        }
        return policy
    }

    private static func thresholds(_ reader: YAMLNodeReader, defaults: HealthThresholds) throws(ConfigError)
        -> HealthThresholds
    {
        var thresholds = defaults
        for (key, child) in try reader.mapping(allowed: ["degraded_after", "unreachable_after"]) {
            if key == "degraded_after" {
                thresholds.degradedAfter = try positive(child)
            } else {
                thresholds.unreachableAfter = try positive(child)
            }
        }
        try checkOrder(thresholds, reader)
        return thresholds
    }

    private static func positive(_ reader: YAMLNodeReader) throws(ConfigError) -> PrometheusDuration {
        let span = try reader.duration()
        guard span > .zero else { throw reader.error("must be above 0s") }
        return span
    }

    private static func checkOrder(_ thresholds: HealthThresholds, _ reader: YAMLNodeReader) throws(ConfigError) {
        guard thresholds.degradedAfter < thresholds.unreachableAfter else {
            throw reader.error("degraded_after must be shorter than unreachable_after")
        }
    }
}

/// The `metrics:` section.
enum MetricsSection {
    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> [Double] {
        var buckets = DurationHistogram.defaultUpperBounds
        for (_, child) in try reader.mapping(allowed: ["task_duration_buckets"]) {
            let items = try child.sequence()
            buckets = []
            for item in items { buckets.append(try item.number()) }
            guard !buckets.isEmpty else { throw child.error("must list at least one bucket") }
            guard zip(buckets, buckets.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw child.error("buckets must be in strictly increasing order")
            }
        }
        return buckets
    }
}
