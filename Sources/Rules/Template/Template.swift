import Foundation
import Model

/// The data a rule template sees, as Prometheus' `AlertTemplateData`.
public struct TemplateData: Sendable {
    /// `$labels` / `.Labels`: the alert's labels.
    public var labels: [String: String]
    /// `$externalLabels`.
    public var externalLabels: [String: String]
    /// `$externalURL`.
    public var externalURL: String
    /// `$value` / `.Value`.
    public var value: Double
    /// The root's fields when the data is a plain map of strings, as Go's `map[string]string` would be: `.agent`
    /// is its `agent` entry and a missing entry is the empty string (Prometheus' `missingkey=zero`). Nil for an
    /// alert's data, whose root has `.Labels`, `.Value`, ….
    public var fields: [String: String]?

    /// Creates template data.
    public init(
        labels: [String: String] = [:], externalLabels: [String: String] = [:], externalURL: String = "",
        value: Double = 0
    ) {
        self.labels = labels
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.value = value
    }

    /// Data whose root is the map `fields` (`{{ .agent }}`), also reachable as `$labels` (`{{ $labels.agent }}`):
    /// what a recovery ladder's command templates see.
    public init(fields: [String: String]) {
        self.init(labels: fields)
        self.fields = fields
    }
}

/// A label or annotation template of an alerting rule: the supported subset of Go's `text/template` with
/// Prometheus' functions.
///
/// Supported: text; `{{ pipeline }}` with `|`; `{{- -}}` trimming; comments; `{{ if }}`/`{{ with }}` with
/// `{{ else }}` and `{{ end }}`; `$labels.x`, `$value`, `$externalLabels.x`, `$externalURL`, `.Labels.x`,
/// `.Value`; string, number and boolean literals; the functions `humanize`, `humanize1024`,
/// `humanizeDuration`, `humanizePercentage`, `humanizeTimestamp`, `printf`, `toUpper`, `toLower`, `title`,
/// `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `and`, `or`, `not`. Anything else is a parse error.
public struct Template: Sendable {
    /// The template's name in messages (`__alert_<AlertName>` for rule templates).
    public let name: String
    /// Byte offset of the template text inside Go's full text (Prometheus prepends variable definitions).
    static let definitionsLength =
        "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"
        .utf8.count
    private let nodes: [TemplateNode]
    private let fullText: [UInt8]

    /// Parses `text`.
    /// - Parameter alertDefinitions: whether execution errors count columns as Prometheus' alert templates do,
    ///   after the variable definitions it prepends (false for a template that is not an alert's, whose columns
    ///   are the text's own).
    /// - Throws: ``TemplateError`` worded like Go's (`template: __alert_X:1: function "foo" not defined`).
    public init(parsing text: String, name: String, alertDefinitions: Bool = true) throws(TemplateError) {
        self.name = name
        let start = alertDefinitions ? Self.definitionsLength : 0
        let padded = String(repeating: " ", count: start) + text
        var parser = TemplateParser(
            name: name, text: padded, start: start,
            functions: Set(TemplateFunctions.all.keys),
            variables: ["$", "$labels", "$externalLabels", "$externalURL", "$value"])
        do {
            nodes = try parser.parse()
        } catch {
            throw Self.unsupportedFunctionError(error, name: name)
        }
        fullText = Array(padded.utf8)
    }

    private static func unsupportedFunctionError(_ error: TemplateError, name: String) -> TemplateError {
        for function in TemplateFunctions.unsupported
        where error.message.hasSuffix("function \"\(function)\" not defined") {
            return TemplateError(
                error.message.replacingOccurrences(
                    of: "function \"\(function)\" not defined",
                    with: "template function \"\(function)\" is outside the supported subset"))
        }
        return error
    }

    /// Expands the template with `data`.
    /// - Throws: ``TemplateError`` worded like Go's execution errors (`template: X:1:12: executing "X" at <…>: …`).
    public func expand(_ data: TemplateData) throws(TemplateError) -> String {
        var executor = TemplateExecutor(name: name, text: fullText, data: data)
        return try executor.run(nodes)
    }
}
