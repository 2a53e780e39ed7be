import Foundation
import TestSupport

/// A configuration whose thresholds are seconds, for tests of alerts with the real binary: a rule file evaluated
/// every second (by default `AgentUnreachable` as soon as the state says so) and `hx.yml` naming it, with `extra`
/// YAML (a route and receivers) after the health and global sections.
enum CompressedTimeConfig {
    /// `AgentUnreachable`, firing as soon as an agent is unreachable.
    static let unreachableRule = """
        groups:
          - name: health
            interval: 1s
            rules:
              - alert: AgentUnreachable
                expr: agent_health{state="unreachable"} == 1
        """

    /// `AgentSeen`, firing for every agent that has beaten: an alert a kill mutes but does not end.
    static let seenRule = """
        groups:
          - name: seen
            interval: 1s
            rules:
              - alert: AgentSeen
                expr: agent_heartbeats_total > 0
        """

    /// Writes `health.yml` (`rules`) and `hx.yml` into a new temporary folder named after `name`.
    /// - Returns: the path of `hx.yml`, for `--config.file`.
    static func write(
        _ name: String, degradedAfter: String = "1s", unreachableAfter: String = "2s", rules: String = unreachableRule,
        extra: String = ""
    ) throws -> String {
        let directory = TestPaths.temporaryDirectory(name)
        try rules.write(toFile: directory + "/health.yml", atomically: true, encoding: .utf8)
        let config = directory + "/hx.yml"
        try """
        health: {degraded_after: \(degradedAfter), unreachable_after: \(unreachableAfter)}
        global: {evaluation_interval: 1s}
        rule_files: ['\(directory)/health.yml']

        """.appending(extra).write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }
}
