import Alerting
import Model
import Testing

struct ConfigErrorTests {
    @Test(arguments: [
        ("receivers: [{name: r}]", "hx.yml:1:1: route: no route provided in config"),
        (
            "route: {group_by: [a]}\nreceivers: [{name: r}]",
            "hx.yml:1:8: route: root route must specify a default receiver"
        ),
        (
            "route: {receiver: r, matchers: [a=b]}\nreceivers: [{name: r}]",
            "hx.yml:1:8: route: root route must not have any matchers"
        ),
        (
            "route: {receiver: r, match: {a: b}}\nreceivers: [{name: r}]",
            "hx.yml:1:8: route: root route must not have any matchers"
        ),
        (
            "route: {receiver: r, continue: true}\nreceivers: [{name: r}]",
            "hx.yml:1:8: route: cannot have continue in root route"
        ),
        (
            "route:\n  receiver: r\n  routes:\n    - receiver: nope\nreceivers: [{name: r}]",
            #"hx.yml:4:17: route.routes[0].receiver: undefined receiver "nope" used in route"#
        ),
        (
            "route: {receiver: r}\nreceivers:\n  - name: r\n  - name: r",
            #"hx.yml:4:5: receivers[1].name: notification config name "r" is not unique"#
        ),
        (
            "route: {receiver: r}\nreceivers:\n  - webhook_configs: []",
            "hx.yml:3:5: receivers[0]: missing name in receiver"
        ),
        (
            "route: {receiver: r, group_by: ['...', a]}\nreceivers: [{name: r}]",
            "hx.yml:1:32: route.group_by: cannot have wildcard group_by (`...`) and other other labels at the same time"
        ),
        (
            "route: {receiver: r, group_by: [a, a]}\nreceivers: [{name: r}]",
            #"hx.yml:1:36: route.group_by[1]: duplicated label "a" in group_by"#
        ),
        (
            "route: {receiver: r, group_by: [1a]}\nreceivers: [{name: r}]",
            #"hx.yml:1:33: route.group_by[0]: invalid label name "1a" in group_by list"#
        ),
        (
            "route: {receiver: r, group_interval: 0s}\nreceivers: [{name: r}]",
            "hx.yml:1:38: route.group_interval: group_interval cannot be zero"
        ),
        (
            "route: {receiver: r, repeat_interval: 0s}\nreceivers: [{name: r}]",
            "hx.yml:1:39: route.repeat_interval: repeat_interval cannot be zero"
        ),
        (
            "route: {receiver: r, group_wait: 5x}\nreceivers: [{name: r}]",
            #"hx.yml:1:34: route.group_wait: not a valid duration string: "5x""#
        ),
        (
            "route:\n  receiver: r\n  routes: [{matchers: ['a=~\"(\"']}]\nreceivers: [{name: r}]",
            "hx.yml:3:24: route.routes[0].matchers[0]: error parsing regexp: missing closing ): `^(?:()$`"
        ),
        (
            "route:\n  receiver: r\n  routes: [{matchers: ['a']}]\nreceivers: [{name: r}]",
            "hx.yml:3:24: route.routes[0].matchers[0]: bad matcher format: a"
        ),
        (
            "route: {receiver: r, recevier: x}\nreceivers: [{name: r}]",
            "hx.yml:1:22: route.recevier: unknown key (allowed: continue, group_by, group_interval, group_wait, match, match_re, matchers, receiver, repeat_interval, routes)"
        ),
        (
            "route: {receiver: r}\nreceivers: [{name: r, webhook_configs: [{send_resolved: true}]}]",
            "hx.yml:2:41: receivers[0].webhook_configs[0]: missing URL in webhook config"
        ),
        (
            "route: {receiver: r}\nreceivers: [{name: r, webhook_configs: [{url: 'ftp://x/'}]}]",
            #"hx.yml:2:47: receivers[0].webhook_configs[0].url: unsupported scheme "ftp" for URL"#
        ),
        (
            "route: {receiver: r}\nreceivers: [{name: r, webhook_configs: [{url: 'http://x/', max_alerts: -1}]}]",
            #"hx.yml:2:72: receivers[0].webhook_configs[0].max_alerts: must be a non-negative integer, got "-1""#
        ),
        (
            "route: {receiver: r}\nreceivers: [{name: r}]\ninhibit_rules: [{equal: ['a-b']}]",
            #"hx.yml:3:26: inhibit_rules[0].equal[0]: invalid label name "a-b""#
        ),
    ])
    func reportsKeyAndLine(yaml: String, expected: String) {
        #expect(configErrorMessage(yaml) == expected)
    }

    @Test func readsAFullConfiguration() throws {
        let yaml = """
            route:
              receiver: hook
            inhibit_rules:
              - source_matchers: [severity=critical]
                target_matchers: [severity=warning]
                equal: [agent]
            receivers:
              - name: hook
                webhook_configs:
                  - url: http://127.0.0.1:9999/hook
                    send_resolved: false
                    max_alerts: 5
                    timeout: 10s
                    http_config:
                      authorization: {credentials: s3cret}
                alertmanager_configs:
                  - url: http://127.0.0.1:9093
            """
        let config = try #require(try alertingConfig(yaml))
        let hook = try #require(config.receiver(named: "hook"))
        let webhook = try #require(hook.webhookConfigs.first)
        #expect(webhook.url.absoluteString == "http://127.0.0.1:9999/hook")
        #expect(!webhook.sendResolved && webhook.maxAlerts == 5 && webhook.timeout == .seconds(10))
        #expect(webhook.authorization?.headerValue == "Bearer s3cret")
        #expect(hook.alertmanagerConfigs.first?.alertsEndpoint.absoluteString == "http://127.0.0.1:9093/api/v2/alerts")
        #expect(config.inhibitRules.first?.equal == ["agent"])
        #expect(try alertingConfig("other: 1".replacingOccurrences(of: "other: 1", with: "")) == nil)
    }

    @Test func webhookDefaultsSendResolved() throws {
        let config = try #require(
            try alertingConfig("route: {receiver: r}\nreceivers: [{name: r, webhook_configs: [{url: 'http://h/'}]}]"))
        #expect(config.receivers.first?.webhookConfigs.first?.sendResolved == true)
        #expect(config.receivers.first?.webhookConfigs.first?.maxAlerts == 0)
    }
}
