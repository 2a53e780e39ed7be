import Alerting
import Model
import Recovery
import Testing
import YAMLConfig

/// The `recovery:` section: what a good one becomes, and each mistake named by key, line and column.
struct RecoverySectionTests {
    /// Parses `text` as the value of the document's `recovery` key.
    static func ladders(_ text: String) throws(ConfigError) -> [RecoveryLadder] {
        guard let document = try YAMLNodeReader.document(text, file: "hx.yml") else { return [] }
        let entries = try document.mapping(allowed: ["recovery"])
        return try entries.first.map { (entry) throws(ConfigError) in try RecoverySection.read(entry.reader) } ?? []
    }

    @Test func theIssuesExampleWithItsDefaultsWrittenOut() throws {
        let text = """
            recovery:
              ladders:
                - name: workers
                  matchers: ['agent_type="worker"', 'host=~"gpu-.*"']
                  trigger: unreachable
                  max_runs_per_hour: 2
                  steps:
                    - name: restart
                      command: [systemctl, restart, 'agent@{{ .agent }}.service']
                      wait: 2m
                    - name: replace
                      webhook: {url: 'http://orchestrator:8080/replace'}
                      wait: 3m
                - name: everyone
                  matchers: ['agent=~".+"']
                  steps:
                    - {name: restart, command: [/bin/true], timeout: 5s, wait: 1m}
                    - {name: replace, webhook: {url: 'https://o.example/r', timeout: 20s}, wait: 90s}
            """
        let ladders = try Self.ladders(text)
        let workers = RecoveryLadder(
            name: "workers",
            matchers: [
                try LabelMatcher.alertmanager(.equal, "agent_type", "worker"),
                try LabelMatcher.alertmanager(.regexMatch, "host", "gpu-.*"),
            ],
            trigger: .unreachable, maxRunsPerHour: 2,
            steps: [
                RecoveryStep(
                    name: "restart", action: .command(["systemctl", "restart", "agent@{{ .agent }}.service"]),
                    timeout: .seconds(30), wait: .minutes(2)),
                RecoveryStep(
                    name: "replace", action: .webhook(url: "http://orchestrator:8080/replace"), timeout: .seconds(10),
                    wait: .minutes(3)),
            ])
        #expect(ladders.count == 2)
        #expect(ladders.first == workers)
        #expect(ladders.last?.trigger == .degraded, "recover before the first page, which comes at degraded")
        #expect(ladders.last?.maxRunsPerHour == 3)
        #expect(ladders.last?.steps.map(\.timeout) == [.seconds(5), .seconds(20)])
        #expect(ladders.last?.steps.map(\.wait) == [.minutes(1), .seconds(90)])
    }

    @Test func anEmptySectionHasNoLadders() throws {
        #expect(try Self.ladders("recovery:\n").isEmpty)
        #expect(try Self.ladders("recovery:\n  ladders: []\n").isEmpty)
    }

    /// A good ladder with one line replaced: `steps` starts at line 5.
    static func ladder(_ replacing: String = "", with replacement: String = "") -> String {
        let text = """
            recovery:
              ladders:
                - name: workers
                  matchers: ['agent_type="worker"']
                  steps:
                    - name: restart
                      command: [systemctl, restart, 'agent@{{ .agent }}.service']
                      wait: 2m
            """
        return replacing.isEmpty ? text : text.replacingOccurrences(of: replacing, with: replacement)
    }

    static let badCases: [(text: String, message: String)] = [
        (
            "recovery:\n  ladder: []\n",
            "hx.yml:2:3: recovery.ladder: unknown key (allowed: ladders)"
        ),
        (
            ladder("name: workers", with: "nme: workers"),
            "hx.yml:3:7: recovery.ladders[0].nme: unknown key (allowed: matchers, max_runs_per_hour, name, steps, trigger)"
        ),
        (
            ladder("name: workers", with: "name: ''"),
            "hx.yml:3:7: recovery.ladders[0].name: a ladder needs a name"
        ),
        (
            ladder("      matchers: ['agent_type=\"worker\"']\n", with: ""),
            "hx.yml:3:7: recovery.ladders[0].matchers: a ladder needs matchers"
        ),
        (
            ladder("['agent_type=\"worker\"']", with: "[]"),
            "hx.yml:4:17: recovery.ladders[0].matchers: must list at least one matcher"
        ),
        (
            ladder("agent_type=\"worker\"", with: "worker"),
            "hx.yml:4:18: recovery.ladders[0].matchers[0]: bad matcher format: worker"
        ),
        (
            ladder("matchers:", with: "trigger: dead\n      matchers:"),
            "hx.yml:4:16: recovery.ladders[0].trigger: must be unreachable or degraded, got \"dead\""
        ),
        (
            ladder("matchers:", with: "max_runs_per_hour: 0\n      matchers:"),
            "hx.yml:4:26: recovery.ladders[0].max_runs_per_hour: must be an integer of at least 1, got \"0\""
        ),
        (
            ladder("matchers:", with: "max_runs_per_hour: many\n      matchers:"),
            "hx.yml:4:26: recovery.ladders[0].max_runs_per_hour: must be an integer of at least 1, got \"many\""
        ),
        (
            "recovery:\n  ladders:\n    - name: workers\n      matchers: ['agent=\"a\"']\n      steps: []\n",
            "hx.yml:5:14: recovery.ladders[0].steps: must list at least one step"
        ),
        (
            "recovery:\n  ladders:\n    - name: workers\n      matchers: ['agent=\"a\"']\n",
            "hx.yml:3:7: recovery.ladders[0].steps: a ladder needs steps"
        ),
        (
            ladder() + "\n    - name: workers\n      matchers: ['agent=\"b\"']\n      steps: "
                + "[{name: s, command: [x], wait: 1m}]\n",
            "hx.yml:9:13: recovery.ladders[1].name: ladder name \"workers\" appears twice"
        ),
        (
            ladder() + "\n        - {name: restart, command: [x], wait: 1m}\n",
            "hx.yml:9:18: recovery.ladders[0].steps[1].name: step name \"restart\" appears twice in this ladder"
        ),
        (
            ladder("- name: restart", with: "- name: ''"),
            "hx.yml:6:11: recovery.ladders[0].steps[0].name: a step needs a name"
        ),
        (
            ladder("          command: [systemctl, restart, 'agent@{{ .agent }}.service']\n", with: ""),
            "hx.yml:6:11: recovery.ladders[0].steps[0].command: a step needs a command or a webhook"
        ),
        (
            ladder("wait: 2m", with: "wait: 2m\n          webhook: {url: 'http://o:1/'}"),
            "hx.yml:9:20: recovery.ladders[0].steps[0].webhook: a step has either a command or a webhook, not both"
        ),
        (
            ladder("[systemctl, restart, 'agent@{{ .agent }}.service']", with: "[]"),
            "hx.yml:7:20: recovery.ladders[0].steps[0].command: must list the program and its arguments"
        ),
        (
            ladder("[systemctl, restart, 'agent@{{ .agent }}.service']", with: "systemctl restart"),
            "hx.yml:7:20: recovery.ladders[0].steps[0].command: must be a list"
        ),
        (
            ladder("'agent@{{ .agent }}.service'", with: "'agent@{{ .agent .service'"),
            "hx.yml:7:41: recovery.ladders[0].steps[0].command[2]: template: recovery.ladders[0].steps[0].command[2]:1: "
                + "unclosed action"
        ),
        (
            ladder("'agent@{{ .agent }}.service'", with: "'{{ nosuch .agent }}'"),
            "hx.yml:7:41: recovery.ladders[0].steps[0].command[2]: template: recovery.ladders[0].steps[0].command[2]:1: "
                + "function \"nosuch\" not defined"
        ),
        (
            ladder("restart, 'agent", with: "[restart], 'agent"),
            "hx.yml:7:32: recovery.ladders[0].steps[0].command[1]: must be a string"
        ),
        (
            ladder("\n          wait: 2m", with: ""),
            "hx.yml:6:11: recovery.ladders[0].steps[0].wait: a step needs a wait"
        ),
        (
            ladder("wait: 2m", with: "wait: 0s"),
            "hx.yml:8:17: recovery.ladders[0].steps[0].wait: must be above 0s"
        ),
        (
            ladder("wait: 2m", with: "wait: soon"),
            "hx.yml:8:17: recovery.ladders[0].steps[0].wait: not a valid duration string: \"soon\""
        ),
        (
            ladder("wait: 2m", with: "wait: 2m\n          timeout: 30"),
            "hx.yml:9:20: recovery.ladders[0].steps[0].timeout: not a valid duration string: \"30\""
        ),
        (
            ladder("wait: 2m", with: "wait: 2m\n          retries: 3"),
            "hx.yml:9:11: recovery.ladders[0].steps[0].retries: unknown key (allowed: command, name, timeout, wait, "
                + "webhook)"
        ),
        (
            ladder("command: [systemctl, restart, 'agent@{{ .agent }}.service']", with: "webhook: {url: 'ftp://o/r'}"),
            "hx.yml:7:26: recovery.ladders[0].steps[0].webhook.url: unsupported scheme \"ftp\" for URL"
        ),
        (
            ladder("command: [systemctl, restart, 'agent@{{ .agent }}.service']", with: "webhook: {url: orchestrator}"),
            "hx.yml:7:26: recovery.ladders[0].steps[0].webhook.url: scheme required for webhook url"
        ),
        (
            ladder("command: [systemctl, restart, 'agent@{{ .agent }}.service']", with: "webhook: {timeout: 5s}"),
            "hx.yml:7:20: recovery.ladders[0].steps[0].webhook.url: missing URL in webhook"
        ),
        (
            ladder(
                "command: [systemctl, restart, 'agent@{{ .agent }}.service']",
                with: "webhook: {url: 'http://o/', tls: x}"),
            "hx.yml:7:39: recovery.ladders[0].steps[0].webhook.tls: unknown key (allowed: timeout, url)"
        ),
        (
            ladder("command: [systemctl, restart, 'agent@{{ .agent }}.service']", with: "webhook: {url: 'http://o/'}")
                .replacingOccurrences(of: "wait: 2m", with: "wait: 2m\n          timeout: 5s"),
            "hx.yml:6:11: recovery.ladders[0].steps[0].timeout: a webhook step's timeout goes inside webhook: {url, "
                + "timeout}"
        ),
    ]

    @Test(arguments: badCases)
    func aBadSectionIsRefusedNamingKeyAndLine(text: String, message: String) {
        do {
            let ladders = try Self.ladders(text)
            Issue.record("accepted: \(ladders)")
        } catch {
            #expect(error.description == message)
        }
    }
}
