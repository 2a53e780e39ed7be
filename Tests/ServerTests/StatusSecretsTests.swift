import Foundation
import HTTP
@testable import Server
import Testing
import TestSupport

/// `GET /api/v2/status` shows the configuration in force with every secret as `<secret>`, however the file is
/// written (Alertmanager's `SecretURL` and `Secret`: webhook and Alertmanager URLs, authorization credentials).
struct StatusSecretsTests {
    /// The same secrets, written in each YAML style; every secret contains `SECRET`.
    static let styles: [(String, String)] = [
        (
            "block",
            """
            route: {receiver: hooks}
            receivers:
              - name: hooks
                webhook_configs:
                  - url: http://hooks.example/SECRET-url-block
                    http_config:
                      authorization:
                        credentials: SECRET-credentials-block
                alertmanager_configs:
                  - url: http://am.example:9093/SECRET-am-block
                    http_config:
                      authorization: {type: Bearer, credentials: SECRET-am-credentials-block}

            """
        ),
        (
            "flow, as in the README",
            """
            route: {receiver: hooks}
            receivers:
              - {name: hooks, webhook_configs: [{url: 'http://hooks.example/SECRET-url-flow', http_config: {authorization: {credentials: SECRET-credentials-flow}}}]}

            """
        ),
        (
            "values on the next line",
            """
            route: {receiver: hooks}
            receivers:
              - name: hooks
                webhook_configs:
                  - url:
                      http://hooks.example/SECRET-url-next-line
                    http_config:
                      authorization:
                        credentials:
                          "SECRET-credentials-next-line"

            """
        ),
        (
            "quoted keys and a block scalar",
            """
            "route": {"receiver": "hooks"}
            'receivers':
              - "name": hooks
                "webhook_configs":
                  - 'url': "http://hooks.example/SECRET-url-quoted"
                    "http_config":
                      "authorization":
                        'credentials': >-
                          SECRET-credentials-folded
                "alertmanager_configs": [{"url": "http://user:SECRET-password@am.example/"}]

            """
        ),
        (
            "anchors and aliases",
            """
            route: {receiver: hooks}
            receivers:
              - name: hooks
                webhook_configs:
                  - {url: http://a.example/SECRET-a, http_config: &auth {authorization: {credentials: SECRET-anchor}}}
                  - {url: http://b.example/SECRET-b, http_config: *auth}

            """
        ),
    ]

    @Test(arguments: styles.map(\.0))
    func noSecretReachesTheStatus(style: String) throws {
        let config = try #require(Self.styles.first { $0.0 == style }?.1)
        let api = try APIFixture(config: config)
        let reply = api.send("GET", "/api/v2/status")
        #expect(reply.status == 200)
        #expect(!reply.text.contains("SECRET"))
        let original = reply.json.objectValue?["config"]?.objectValue?["original"]?.stringValue ?? ""
        #expect(original.contains("url: <secret>"))
        #expect(original.contains("receiver: hooks"))
    }

    @Test(arguments: [
        "ftp://user:SECRET@hooks.example/", "hooks.example/SECRET", "http:///SECRET", "{url: SECRET}",
        "http://hooks.example/SECRET\n        unknown_key: SECRET",
    ])
    func aRefusedReloadDoesNotRepeatTheSecret(url: String) throws {
        let api = try APIFixture()
        try "route: {receiver: hooks}\nreceivers:\n  - name: hooks\n    webhook_configs:\n      - url: \(url)\n".write(
            toFile: api.configFile, atomically: true, encoding: .utf8)
        let reply = api.send("POST", "/-/reload")
        #expect(reply.status == 400)
        #expect(!reply.text.contains("SECRET"), "\(reply.text)")
    }

    @Test func theStatusShowsTheConfigurationInForceNotAnEditedFile() throws {
        let api = try APIFixture(config: "global: {evaluation_interval: 30s}\n")
        try "global: {evaluation_interval: [not a duration]}\n".write(
            toFile: api.configFile, atomically: true, encoding: .utf8)
        #expect(api.send("POST", "/-/reload").status == 400)
        let original = api.send("GET", "/api/v2/status").json.objectValue?["config"]?.objectValue?["original"]
        #expect(original?.stringValue?.contains("evaluation_interval: 30s") == true)
    }

    /// Without secrets, what the status shows reads back as the same configuration: nothing is lost or changed in
    /// the rendering, whatever the values look like to YAML.
    @Test func aConfigurationWithoutSecretsReadsBackTheSame() throws {
        let text = """
            health:
              degraded_after: 45s
              by_agent_type: {"yes": {degraded_after: 2m, unreachable_after: 1h}, "123": {unreachable_after: 90m}}
            metrics: {task_duration_buckets: [0.001, 0.25, 1, 1e3]}
            global:
              evaluation_interval: 1m
              external_labels: {a: "true", b: "1", c: "a: b", d: "#x", e: "~", f: "...", g: "2024-01-01", h: "  x"}
              external_url: http://exporter.example:9747/
              rule_history_checkpoint_interval: 5m
            rule_files: ['rules/*.yml', "/etc/x: y/*.yml"]
            route:
              receiver: "null"
              group_by: ['...']
              group_interval: 1m
              repeat_interval: 1d
              routes:
                - matchers: ['a="b\\"c"', 'b!~"x|y"', 'c=~".*"', "d!=''"]
                  continue: true
                  group_by: [agent, alertname]
                  routes: [{receiver: other, match: {x: "yes"}, match_re: {y: "[0-9]+"}}]
            inhibit_rules: [{source_match: {severity: page}, target_matchers: ['severity=~"ticket|info"'], equal: [agent]}]
            receivers: [{name: "null"}, {name: other}]
            """
        let config = try ExporterConfig.parse(text, file: "hx.yml")
        let rendered = ConfigRendering.yaml(config)
        #expect(try ExporterConfig.parse(rendered, file: "rendered") == config, "\(rendered)")
    }

    @Test func theConfigurationIsRenderedWithItsDefaultsAndSecretsHidden() throws {
        let config = try ExporterConfig.parse(
            """
            health: {by_agent_type: {nightly: {degraded_after: 25h, unreachable_after: 26h}}}
            global: {external_labels: {fleet: "yes", zone: eu}}
            rule_files: [rules/*.yml]
            route:
              receiver: hooks
              group_by: [agent]
              routes:
                - {matchers: ['severity="page"', 'team=~"a|b"'], receiver: hooks, continue: true, group_wait: 10s}
            inhibit_rules: [{source_matchers: [severity=page], target_matchers: [severity=ticket], equal: [agent]}]
            receivers:
              - name: hooks
                webhook_configs:
                  - {url: 'http://hooks.example/T0KEN', send_resolved: false, max_alerts: 5, timeout: 10s}
                alertmanager_configs:
                  - {url: 'http://am.example:9093', http_config: {authorization: {credentials: T0KEN}}}
            """, file: "hx.yml")
        #expect(
            ConfigRendering.yaml(config) == """
                health:
                  degraded_after: 1m30s
                  unreachable_after: 5m
                  stopped_retention: 1d
                  by_agent_type:
                    nightly:
                      degraded_after: 1d1h
                      unreachable_after: 1d2h
                metrics:
                  task_duration_buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]
                  per_agent_histograms: true
                global:
                  evaluation_interval: 15s
                  external_labels:
                    fleet: "yes"
                    zone: eu
                  rule_history_checkpoint_interval: 1m
                rule_files:
                - rules/*.yml
                route:
                  receiver: hooks
                  group_by: [agent]
                  routes:
                  - receiver: hooks
                    matchers:
                    - severity="page"
                    - team=~"a|b"
                    continue: true
                    group_wait: 10s
                inhibit_rules:
                - source_matchers:
                  - severity="page"
                  target_matchers:
                  - severity="ticket"
                  equal: [agent]
                receivers:
                - name: hooks
                  webhook_configs:
                  - send_resolved: false
                    url: <secret>
                    max_alerts: 5
                    timeout: 10s
                  alertmanager_configs:
                  - url: <secret>
                    timeout: 10s
                    http_config:
                      authorization:
                        type: Bearer
                        credentials: <secret>

                """)
    }
}
