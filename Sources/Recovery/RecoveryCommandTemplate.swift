import Model
import Rules

/// One element of a command step's `command:`: a Go `text/template` (the alert templates' engine) over the agent's
/// labels that expands to exactly one argument.
///
/// The template's root is the agent's labels as a map (`{{ .agent }}`, `{{ .agent_type }}`, `{{ .host }}`, each
/// own label by name; `$labels.x` reaches the same map). A label the agent does not have expands to the empty
/// string, as a missing key does in Prometheus' templates (`missingkey=zero`). The expansion is one argument
/// whatever it holds (spaces, quotes, `;`, `$(…)`, newlines): nothing splits it and no shell reads it.
public struct RecoveryCommandTemplate: Sendable {
    private let template: Template

    /// Parses `text`; `name` names it in errors (the configuration key, such as `recovery.ladders[0].steps[0].command[2]`).
    /// - Throws: ``TemplateError`` worded like Go's.
    public init(parsing text: String, name: String) throws(TemplateError) {
        template = try Template(parsing: text, name: name, alertDefinitions: false)
    }

    /// The argument for an agent with `labels`.
    /// - Throws: ``TemplateError`` when execution fails (a function given the wrong type).
    public func argument(for labels: Labels) throws(TemplateError) -> String {
        var fields: [String: String] = [:]
        for label in labels.labels { fields[label.name] = label.value }
        return try template.expand(TemplateData(fields: fields))
    }
}
