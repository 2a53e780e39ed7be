import Model

/// A ``RecoveryPlan`` as `heartbeat-exporter recovery plan` prints it: the ladder, its trigger and limit, and per
/// step the exact argument vector and environment (or the webhook's URL), with every value quoted as Go's `%q`
/// quotes it, so a space, a quote or a control character inside an argument is visible and cannot be mistaken
/// for a separator or move the terminal's cursor.
///
/// ```
/// ladder "workers": trigger unreachable, at most 3 runs per hour
/// step 1 "restart": command, timeout 30s, then wait 2m
///   argv: ["systemctl" "restart" "agent@w-1.service"]
///   env:  HEARTBEAT_AGENT="w-1" HEARTBEAT_AGENT_TYPE="worker" HEARTBEAT_STEP="restart" PATH="/usr/bin:/bin"
/// step 2 "replace": webhook, timeout 10s, then wait 3m
///   POST "http://orchestrator:8080/replace"
/// ```
public enum RecoveryPlanText {
    /// The text for `plan`, one line per fact, ending in a newline; for nil, that no ladder matches `agent`.
    public static func render(_ plan: RecoveryPlan?, agent: String) -> String {
        guard let plan else { return "agent \(GoFormat.quote(agent)): no ladder matches\n" }
        let ladder = plan.ladder
        let runs = ladder.maxRunsPerHour == 1 ? "1 run" : "\(ladder.maxRunsPerHour) runs"
        var lines = [
            "agent \(GoFormat.quote(plan.agent))",
            "ladder \(GoFormat.quote(ladder.name)): trigger \(ladder.trigger.rawValue), at most \(runs) per hour",
        ]
        for (index, step) in plan.steps.enumerated() {
            lines += self.step(step, number: index + 1)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func step(_ step: RecoveryPlan.Step, number: Int) -> [String] {
        let timing = "timeout \(step.timeout), then wait \(step.wait)"
        switch step.action {
        case .command(let arguments, let environment):
            let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(GoFormat.quote($0.value))" }
            return [
                "step \(number) \(GoFormat.quote(step.name)): command, \(timing)",
                "  argv: [" + arguments.map(GoFormat.quote).joined(separator: " ") + "]",
                "  env:  " + variables.joined(separator: " "),
            ]
        case .webhook(let url):
            return [
                "step \(number) \(GoFormat.quote(step.name)): webhook, \(timing)",
                "  POST \(GoFormat.quote(url))",
            ]
        }
    }
}
