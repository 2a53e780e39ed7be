import Fleet
import Model
import Server
import Testing
import YAMLConfig

/// The `fleet:` section: expected agents and minimum counts, and each bad entry named by file, line and key.
struct FleetConfigTests {
    @Test func readsExpectedAgentsAndMinimums() throws {
        let config = try ExporterConfig.parse(
            """
            fleet:
              expected:
                agents:
                  - name: nightly-report
                    agent_type: nightly
                    labels: {team: data}
                    schedule: {cron: '0 3 * * *', timezone: Europe/Berlin, grace: 30m, max_runtime: 2h}
                  - name: indexer-1
                minimum_by_agent_type:
                  worker: 3
            """, file: "hx.yml")
        let fleet = config.expectedFleet
        #expect(fleet.agents.map(\.name) == ["nightly-report", "indexer-1"])
        #expect(fleet.agents[0].agentType == "nightly")
        #expect(fleet.agents[0].labels == [ExpectedLabel(name: "team", value: "data")])
        #expect(fleet.agents[0].schedule?.cron.description == "0 3 * * * (Europe/Berlin)")
        #expect(fleet.agents[0].schedule?.grace == .minutes(30) && fleet.agents[0].schedule?.maxRuntime == .hours(2))
        #expect(fleet.minimumByAgentType == ["worker": 3])
    }

    @Test(arguments: [
        (
            "fleet:\n  expected:\n    agents:\n      - name: 'bad name'\n",
            "hx.yml:4:15: fleet.expected.agents[0].name: must be 1-128 characters of [A-Za-z0-9_.:-]"
        ),
        (
            "fleet:\n  expected:\n    agents:\n      - {name: a}\n      - {name: a}\n",
            "hx.yml:5:9: fleet.expected.agents[1].name: agent \"a\" is listed twice"
        ),
        (
            "fleet:\n  expected:\n    agents:\n      - agent_type: worker\n",
            "hx.yml:4:9: fleet.expected.agents[0].name: an expected agent needs a name"
        ),
        (
            "fleet:\n  expected:\n    agents:\n      - {name: a, labels: {host: x}}\n",
            "hx.yml:4:34: fleet.expected.agents[0].labels.host: label name is reserved (agent, agent_type, host are set by the exporter)"
        ),
        (
            "fleet:\n  expected:\n    agents:\n      - name: a\n        schedule: {cron: '61 * * * *'}\n",
            "hx.yml:5:26: fleet.expected.agents[0].schedule.cron: minute field: 61 is not in 0-59"
        ),
        (
            "fleet:\n  expected:\n    minimum_by_agent_type:\n      worker: -1\n",
            "hx.yml:4:15: fleet.expected.minimum_by_agent_type.worker: must be a whole number from 0 to 1000000"
        ),
        (
            "fleet:\n  expected:\n    minimum_by_agent_type:\n      \"bad type\": 1\n",
            "hx.yml:4:19: fleet.expected.minimum_by_agent_type.bad type: not an agent_type a heartbeat may carry: "
                + "must be 1-128 characters of [A-Za-z0-9_.:-]"
        ),
        (
            "fleet:\n  expected:\n    agents:\n      - {name: a, owner: me}\n",
            "hx.yml:4:19: fleet.expected.agents[0].owner: unknown key (allowed: agent_type, labels, name, schedule)"
        ),
        (
            "fleet:\n  wanted: {}\n",
            "hx.yml:2:3: fleet.wanted: unknown key (allowed: expected)"
        ),
    ])
    func errorsNameFileLineKeyAndProblem(yaml: String, message: String) {
        expectRefused(yaml, saying: message)
    }
}
