import Alerting
import Model
import Recovery
import Testing

/// Commands expanded for an agent: the first matching ladder, one literal argument per template, the environment,
/// and the agent's name checked before anything is expanded.
struct RecoveryPlanTests {
    static func ladder(
        _ name: String, matching matcher: String, steps: [RecoveryStep], maxRuns: Int = 3
    ) throws -> RecoveryLadder {
        RecoveryLadder(
            name: name, matchers: try MatcherParser.parseList(matcher), trigger: .unreachable, maxRunsPerHour: maxRuns,
            steps: steps)
    }

    static func command(_ name: String, _ arguments: [String]) -> RecoveryStep {
        RecoveryStep(name: name, action: .command(arguments), timeout: .seconds(30), wait: .minutes(2))
    }

    static let restart = command("restart", ["systemctl", "restart", "agent@{{ .agent }}.service"])

    static func plan(_ labels: Labels, _ ladders: [RecoveryLadder]) throws -> RecoveryPlan? {
        try RecoveryPlan.make(labels: labels, ladders: ladders, searchPath: "/usr/bin:/bin")
    }

    @Test func theFirstMatchingLadderAppliesWithArgvAndEnvironment() throws {
        let replace = RecoveryStep(
            name: "replace", action: .webhook(url: "http://orchestrator:8080/replace"), timeout: .seconds(10),
            wait: .minutes(3))
        let ladders = [
            try Self.ladder("gpu", matching: #"agent_type="gpu""#, steps: [Self.restart]),
            try Self.ladder("workers", matching: #"agent_type="worker""#, steps: [Self.restart, replace]),
            try Self.ladder("all", matching: #"agent=~".+""#, steps: [Self.restart]),
        ]
        let plan = try #require(try Self.plan(agentLabels("w-1"), ladders))
        #expect(plan.ladder.name == "workers")
        #expect(plan.agent == "w-1")
        #expect(
            plan.steps == [
                RecoveryPlan.Step(
                    name: "restart",
                    action: .command(
                        arguments: ["systemctl", "restart", "agent@w-1.service"],
                        environment: [
                            "HEARTBEAT_AGENT": "w-1", "HEARTBEAT_AGENT_TYPE": "worker", "HEARTBEAT_STEP": "restart",
                            "PATH": "/usr/bin:/bin",
                        ]),
                    timeout: .seconds(30), wait: .minutes(2)),
                RecoveryPlan.Step(
                    name: "replace", action: .webhook(url: "http://orchestrator:8080/replace"), timeout: .seconds(10),
                    wait: .minutes(3)),
            ])
    }

    @Test func noLadderMatches() throws {
        let ladders = [try Self.ladder("gpu", matching: #"agent_type="gpu""#, steps: [Self.restart])]
        #expect(try Self.plan(agentLabels("w-1"), ladders) == nil)
    }

    static let hostile = [
        "a b", #"it's "quoted""#, "x; rm -rf /", "$(touch /tmp/pwned)", "`id`", "line\nbreak", "tab\there", "*", "",
        "--flag=1 --other", #"\"#,
    ]

    @Test(arguments: hostile)
    func aLabelValueBecomesOneLiteralArgumentWhateverItHolds(value: String) throws {
        let step = Self.command("restart", ["restart-agent", "{{ .agent }}", "--team={{ .team }}", "{{ .host }}"])
        let ladders = [try Self.ladder("all", matching: #"agent=~".+""#, steps: [step])]
        let labels = RecoveryPlan.agentLabels(agent: "w-1", agentType: "worker", host: value, own: [("team", value)])
        let plan = try #require(try Self.plan(labels, ladders))
        guard case .command(let arguments, _) = plan.steps.first?.action else {
            Issue.record("not a command: \(plan)")
            return
        }
        #expect(arguments == ["restart-agent", "w-1", "--team=" + value, value])
    }

    @Test func aMissingLabelExpandsToTheEmptyStringAndTemplateFunctionsWork() throws {
        let step = Self.command(
            "restart", ["run", "{{ .zone }}", "{{ .agent | toUpper }}", "{{ $labels.agent_type }}"])
        let ladders = [try Self.ladder("all", matching: #"agent=~".+""#, steps: [step])]
        let plan = try #require(try Self.plan(agentLabels("w-1"), ladders))
        guard case .command(let arguments, _) = plan.steps.first?.action else {
            Issue.record("not a command: \(plan)")
            return
        }
        #expect(arguments == ["run", "", "W-1", "worker"])
    }

    @Test(arguments: [
        ("", #"refusing agent name "" for a recovery command: field "agent": must not be empty"#),
        (
            "w 1; reboot",
            #"refusing agent name "w 1; reboot" for a recovery command: field "agent": must be 1-128 characters of "#
                + "[A-Za-z0-9_.:-]"
        ),
        (
            "../../etc",
            #"refusing agent name "../../etc" for a recovery command: field "agent": must be 1-128 characters of "#
                + "[A-Za-z0-9_.:-]"
        ),
        (
            String(repeating: "a", count: 129),
            #"refusing agent name ""# + String(repeating: "a", count: 129)
                + #"" for a recovery command: field "agent": must be at most 128 bytes"#
        ),
    ])
    func anAgentNameOutsideTheHeartbeatGrammarIsRefusedBeforeExpansion(name: String, message: String) throws {
        let ladders = [try Self.ladder("all", matching: #"agent=~".*""#, steps: [Self.restart])]
        do {
            let plan = try Self.plan(agentLabels(name), ladders)
            Issue.record("planned: \(String(describing: plan))")
        } catch let error as RecoveryPlanError {
            #expect(error.description == message)
        }
    }

    @Test func aProgramThatExpandsToNothingIsRefused() throws {
        let ladders = [
            try Self.ladder("all", matching: #"agent=~".+""#, steps: [Self.command("restart", ["{{ .nothing }}"])])
        ]
        #expect(throws: RecoveryPlanError.emptyProgram(ladder: "all", step: "restart")) {
            try Self.plan(agentLabels("w-1"), ladders)
        }
    }

    @Test func aTemplateThatFailsToExecuteNamesLadderAndStep() throws {
        let ladders = [
            try Self.ladder("all", matching: #"agent=~".+""#, steps: [Self.command("restart", ["{{ .agent.x }}"])])
        ]
        #expect(
            throws: RecoveryPlanError.template(
                ladder: "all", step: "restart",
                message: #"template: all/restart/command[0]:1:3: executing "all/restart/command[0]" at <.agent.x>: "#
                    + "can't evaluate field x in type string")
        ) {
            try Self.plan(agentLabels("w-1"), ladders)
        }
    }

    @Test func agentLabelsCarryTheFixedLabelsOnlyWhenTheAgentHasThem() {
        #expect(
            RecoveryPlan.agentLabels(agent: "a", agentType: nil, host: nil, own: [("team", "x")])
                == Labels(["agent": "a", "team": "x"]))
        #expect(
            RecoveryPlan.agentLabels(agent: "a", agentType: "w", host: "h", own: [])
                == Labels(["agent": "a", "agent_type": "w", "host": "h"]))
    }
}
