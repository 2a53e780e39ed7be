import Fleet
import Model
import YAMLConfig

/// The `health:` section: thresholds, their per-type and per-agent overrides, and the grace of batch jobs.
enum HealthSection {
    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> HealthPolicy {
        var policy = HealthPolicy.standard
        let keys: Set<String> = [
            "degraded_after", "unreachable_after", "stopped_retention", "by_agent_type", "by_agent", "batch_grace",
            "forget_after",
        ]
        var byType: [(key: String, reader: YAMLNodeReader)] = []
        var byAgent: [(key: String, reader: YAMLNodeReader)] = []
        for (key, child) in try reader.mapping(allowed: keys) {
            switch key {
            case "degraded_after": policy.defaults.degradedAfter = try positive(child)
            case "unreachable_after": policy.defaults.unreachableAfter = try positive(child)
            case "stopped_retention": policy.stoppedRetention = try positive(child)
            case "batch_grace": policy.batchGrace = try batchGrace(child)
            case "forget_after": policy.forgetAfter = try positive(child)
            case "by_agent": byAgent = try child.mapping()
            default: byType = try child.mapping()
            }
        }
        try checkOrder(policy.defaults, reader)
        for (agentType, child) in byType {
            // A type given only `forget_after` keeps the thresholds it would have without an entry.
            let keys = Set(try child.mapping().map(\.key))
            if !keys.isDisjoint(with: ["degraded_after", "unreachable_after"]) || keys.isEmpty {
                policy.byAgentType[agentType] = try thresholds(
                    child, defaults: policy.defaults, allowed: ["degraded_after", "unreachable_after", "forget_after"])
            } else {
                _ = try child.mapping(allowed: ["degraded_after", "unreachable_after", "forget_after"])
            }
            if let forgetAfter = try forgetAfter(child) { policy.forgetAfterByType[agentType] = forgetAfter }
        }
        for (agent, child) in byAgent {
            policy.byAgent[agent] = try thresholds(child, defaults: policy.defaults)
        }
        return policy
    }

    /// `by_agent_type.<type>.forget_after`, when set.
    private static func forgetAfter(_ reader: YAMLNodeReader) throws(ConfigError) -> PrometheusDuration? {
        for (key, child) in try reader.mapping() where key == "forget_after" { return try positive(child) }
        return nil
    }

    private static func thresholds(
        _ reader: YAMLNodeReader, defaults: HealthThresholds,
        allowed: Set<String> = ["degraded_after", "unreachable_after"]
    ) throws(ConfigError) -> HealthThresholds {
        var thresholds = defaults
        for (key, child) in try reader.mapping(allowed: allowed) {
            if key == "degraded_after" {
                thresholds.degradedAfter = try positive(child)
            } else if key == "unreachable_after" {
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

    /// `batch_grace`: above 0, and at most a schedule's grace may be (``AgentSchedule/maximumGrace``, 31d).
    private static func batchGrace(_ reader: YAMLNodeReader) throws(ConfigError) -> PrometheusDuration {
        let grace = try positive(reader)
        guard grace <= AgentSchedule.maximumGrace else { throw reader.error("must be at most 31d") }
        return grace
    }

    private static func checkOrder(_ thresholds: HealthThresholds, _ reader: YAMLNodeReader) throws(ConfigError) {
        guard thresholds.degradedAfter < thresholds.unreachableAfter else {
            throw reader.error("degraded_after must be shorter than unreachable_after")
        }
    }
}
