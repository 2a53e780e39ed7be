import Foundation
import Recovery
@testable import Server
import Testing
import TestSupport

/// The `recovery:` section as part of the configuration file: parsed into the configuration in force, replaced by
/// a reload, shown on `GET /api/v2/status` with webhook URLs as `<secret>`.
struct RecoveryConfigTests {
    static let section = """
        recovery:
          ladders:
            - name: workers
              matchers: ['agent_type="worker"']
              steps:
                - name: restart
                  command: [systemctl, restart, 'agent@{{ .agent }}.service', 'a: b', "{{ .x }} #y", "true"]
                  wait: 2m
                - name: replace
                  webhook: {url: 'http://orchestrator.example/SECRET-replace'}
                  wait: 3m

        """

    @Test func theSectionIsRenderedWithItsDefaultsAndTheWebhookURLHidden() throws {
        let config = try ExporterConfig.parse(Self.section, file: "hx.yml")
        let rendered = ConfigRendering.yaml(config)
        #expect(!rendered.contains("SECRET"))
        #expect(
            rendered.hasSuffix(
                """
                recovery:
                  ladders:
                  - name: workers
                    matchers:
                    - agent_type="worker"
                    trigger: degraded
                    max_runs_per_hour: 3
                    steps:
                    - name: restart
                      command: [systemctl, restart, 'agent@{{ .agent }}.service', 'a: b', '{{ .x }} #y', "true"]
                      timeout: 30s
                      wait: 2m
                    - name: replace
                      webhook:
                        url: <secret>
                        timeout: 10s
                      wait: 3m

                """), "\(rendered)")
    }

    @Test func withoutWebhooksTheRenderedSectionReadsBackTheSame() throws {
        let text = Self.section.replacingOccurrences(
            of: "webhook: {url: 'http://orchestrator.example/SECRET-replace'}", with: "command: ['{{ .host }}']")
        let config = try ExporterConfig.parse("rule_files: ['rules/*.yml']\n" + text, file: "hx.yml")
        #expect(config.recoveryLadders.count == 1)
        let rendered = ConfigRendering.yaml(config)
        #expect(try ExporterConfig.parse(rendered, file: "rendered") == config, "\(rendered)")
    }

    @Test func theStatusShowsTheLaddersAndAReloadReplacesThem() throws {
        let api = try APIFixture(config: Self.section)
        let before = api.send("GET", "/api/v2/status")
        #expect(!before.text.contains("SECRET"))
        #expect(before.text.contains("name: workers"))
        try Self.section.replacingOccurrences(of: "name: workers", with: "name: gpus").write(
            toFile: api.configFile, atomically: true, encoding: .utf8)
        #expect(api.send("POST", "/-/reload").status == 200)
        let after = api.send("GET", "/api/v2/status").text
        #expect(after.contains("name: gpus"))
        #expect(!after.contains("name: workers"))
    }

    @Test func aBadLadderFailsTheReloadNamingKeyAndLine() throws {
        let api = try APIFixture(config: Self.section)
        try Self.section.replacingOccurrences(of: "wait: 3m", with: "wait: 0s").write(
            toFile: api.configFile, atomically: true, encoding: .utf8)
        let reply = api.send("POST", "/-/reload")
        #expect(reply.status == 400)
        #expect(reply.text.contains(":11:17: recovery.ladders[0].steps[1].wait: must be above 0s"), "\(reply.text)")
        #expect(api.send("GET", "/api/v2/status").text.contains("wait: 3m"))
    }
}
