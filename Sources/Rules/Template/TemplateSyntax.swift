/// The parsed form of a template: text and actions, as Go's `text/template/parse` builds them.
indirect enum TemplateNode: Sendable {
    case text(String)
    case action(TemplatePipeline)
    case conditional(kind: String, condition: TemplatePipeline, then: [TemplateNode], otherwise: [TemplateNode])
}

/// `a | b c | d`: commands whose results feed the next command's last argument.
struct TemplatePipeline: Sendable {
    /// Byte offset of the pipeline in the full template text.
    var offset: Int
    var commands: [TemplateCommand]
}

/// One command: an operand, or a function with arguments.
struct TemplateCommand: Sendable {
    /// Byte offset of the command in the full template text.
    var offset: Int
    var operands: [TemplateOperand]
    /// The command as written, for error messages (`humanize $value`).
    var text: String
    /// Each operand's offset and text, for error messages about one argument.
    var operandSpans: [(offset: Int, text: String)]
}

/// An argument or the head of a command.
indirect enum TemplateOperand: Sendable {
    case variable(String, fields: [String])
    case dot(fields: [String])
    case function(String)
    case literal(TemplateValue)
    case pipeline(TemplatePipeline)
}

/// A template that failed to parse or to execute, worded as Go's `text/template` words it.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message, e.g. `template: __alert_X:1: function "nosuch" not defined`.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
