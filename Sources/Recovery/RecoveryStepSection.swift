import Alerting
import Foundation
import Model
import Rules
import YAMLConfig

/// One item of a ladder's `steps:`: a name, exactly one of `command` and `webhook`, a `timeout` and a `wait`.
///
/// A command's `timeout` is the step's own key (default 30s); a webhook's is inside `webhook:` (default 10s), as
/// a receiver's `webhook_configs` carry theirs, so a step-level `timeout` beside a `webhook` is refused rather
/// than silently one of two.
enum RecoveryStepSection {
    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> RecoveryStep {
        let keys: Set<String> = ["name", "command", "webhook", "timeout", "wait"]
        var name = ""
        var action: RecoveryAction?
        var timeout: PrometheusDuration?
        var webhookTimeout = RecoverySection.defaultWebhookTimeout
        var wait: PrometheusDuration?
        for (key, child) in try reader.mapping(allowed: keys) {
            switch key {
            case "name": name = try child.string()
            case "command", "webhook":
                guard action == nil else { throw child.error("a step has either a command or a webhook, not both") }
                if key == "command" {
                    action = .command(try command(child))
                } else {
                    let webhook = try self.webhook(child)
                    action = .webhook(url: webhook.url)
                    webhookTimeout = webhook.timeout
                }
            case "timeout": timeout = try positive(child)
            default: wait = try positive(child)
            }
        }
        guard !name.isEmpty else { throw reader.error("a step needs a name", key: reader.childPath("name")) }
        guard let action else {
            throw reader.error("a step needs a command or a webhook", key: reader.childPath("command"))
        }
        guard let wait else { throw reader.error("a step needs a wait", key: reader.childPath("wait")) }
        if case .webhook = action, timeout != nil {
            throw reader.error(
                "a webhook step's timeout goes inside webhook: {url, timeout}", key: reader.childPath("timeout"))
        }
        let span = timeout ?? (action.isCommand ? RecoverySection.defaultCommandTimeout : webhookTimeout)
        return RecoveryStep(name: name, action: action, timeout: span, wait: wait)
    }

    /// A non-empty list of strings, each a template that parses.
    private static func command(_ reader: YAMLNodeReader) throws(ConfigError) -> [String] {
        var arguments: [String] = []
        for item in try reader.sequence() {
            let text = try item.string()
            do throws(TemplateError) {
                _ = try RecoveryCommandTemplate(parsing: text, name: item.path)
            } catch {
                throw item.error(error.message)
            }
            arguments.append(text)
        }
        guard !arguments.isEmpty else { throw reader.error("must list the program and its arguments") }
        return arguments
    }

    private static func webhook(_ reader: YAMLNodeReader) throws(ConfigError) -> (
        url: String, timeout: PrometheusDuration
    ) {
        var url: String?
        var timeout = RecoverySection.defaultWebhookTimeout
        for (key, child) in try reader.mapping(allowed: ["url", "timeout"]) {
            if key == "url" {
                url = try child.httpURL(what: "webhook").absoluteString
            } else {
                timeout = try positive(child)
            }
        }
        guard let url else { throw reader.error("missing URL in webhook", key: reader.childPath("url")) }
        return (url, timeout)
    }

    private static func positive(_ reader: YAMLNodeReader) throws(ConfigError) -> PrometheusDuration {
        let span = try reader.duration()
        guard span > .zero else { throw reader.error("must be above 0s") }
        return span
    }
}

extension RecoveryAction {
    /// Whether the step runs a command.
    var isCommand: Bool {
        if case .command = self { return true }
        return false
    }
}
