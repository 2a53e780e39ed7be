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
    /// - Throws: ``TemplateError`` worded like Go's (`template: __alert_X:1: function "foo" not defined`).
    public init(parsing text: String, name: String) throws(TemplateError) {
        self.name = name
        let padded = String(repeating: " ", count: Self.definitionsLength) + text
        var parser = TemplateParser(
            name: name, text: padded, start: Self.definitionsLength,
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
