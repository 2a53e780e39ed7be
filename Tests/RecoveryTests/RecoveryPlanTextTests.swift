import Model
import Recovery
import Testing

/// What `heartbeat-exporter recovery plan` prints.
struct RecoveryPlanTextTests {
    @Test func aPlanShowsLadderStepsArgvAndEnvironment() throws {
        let ladder = RecoveryLadder(
            name: "workers", matchers: [], trigger: .unreachable, maxRunsPerHour: 3,
            steps: [
                RecoveryStep(
                    name: "restart", action: .command(["systemctl", "restart", "agent@{{ .agent }}.{{ .team }}"]),
                    timeout: .seconds(30), wait: .minutes(2)),
                RecoveryStep(
                    name: "replace", action: .webhook(url: "http://orchestrator:8080/replace"), timeout: .seconds(10),
                    wait: .minutes(3)),
            ])
        let labels = RecoveryPlan.agentLabels(
            agent: "w-1", agentType: "worker", host: nil, own: [("team", "a \"b\"; $(c)\n\u{1b}[2J")])
        let plan = try RecoveryPlan.make(labels: labels, ladders: [ladder], searchPath: "/usr/bin")
        #expect(
            RecoveryPlanText.render(plan, agent: "w-1") == #"""
                agent "w-1"
                ladder "workers": trigger unreachable, at most 3 runs per hour
                step 1 "restart": command, timeout 30s, then wait 2m
                  argv: ["systemctl" "restart" "agent@w-1.a \"b\"; $(c)\n\x1b[2J"]
                  env:  HEARTBEAT_AGENT="w-1" HEARTBEAT_AGENT_TYPE="worker" HEARTBEAT_STEP="restart" PATH="/usr/bin"
                step 2 "replace": webhook, timeout 10s, then wait 3m
                  POST "http://orchestrator:8080/replace"

                """#)
    }

    @Test func noPlanSaysNoLadderMatches() {
        #expect(RecoveryPlanText.render(nil, agent: "w-1") == "agent \"w-1\": no ladder matches\n")
    }
}
