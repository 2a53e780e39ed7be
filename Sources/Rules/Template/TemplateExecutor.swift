import Model

/// Runs parsed template nodes over ``TemplateData``, reporting errors as Go's `text/template` does.
struct TemplateExecutor {
    let name: String
    let text: [UInt8]
    let data: TemplateData

    mutating func run(_ nodes: [TemplateNode]) throws(TemplateError) -> String {
        var out = ""
        for node in nodes {
            switch node {
            case .text(let text): out += text
            case .action(let pipeline): out += try evaluate(pipeline).printed
            case .conditional(let kind, let condition, let then, let otherwise):
                let value = try evaluate(condition)
                guard value.isTrue else { out += try run(otherwise); continue }
                if kind == "with" {
                    var inner = TemplateExecutor(name: name, text: text, data: data)
                    inner.dot = value
                    out += try inner.run(then)
                } else {
                    out += try run(then)
                }
            }
        }
        return out
    }

    /// The value of `.` (the data, or the value of an enclosing `with`).
    var dot: TemplateValue?

    private func evaluate(_ pipeline: TemplatePipeline) throws(TemplateError) -> TemplateValue {
        var result: TemplateValue?
        for command in pipeline.commands {
            result = try evaluate(command, final: result)
        }
        return result ?? .none
    }

    private func evaluate(_ command: TemplateCommand, final: TemplateValue?) throws(TemplateError) -> TemplateValue {
        guard let head = command.operands.first else { return .none }
        guard case .function(let function) = head else {
            guard command.operands.count == 1, final == nil else {
                throw failure(command, "can't give argument to non-function \(command.text)")
            }
            return try value(of: head, command)
        }
        var arguments: [TemplateValue] = []
        for operand in command.operands.dropFirst() { arguments.append(try value(of: operand, command)) }
        if let final { arguments.append(final) }
        return try call(function, arguments, command)
    }

    private func call(_ function: String, _ arguments: [TemplateValue], _ command: TemplateCommand)
        throws(TemplateError) -> TemplateValue
    {
        guard let body = TemplateFunctions.all[function] else {
            throw failure(command, "\(GoFormat.quote(function)) is not a defined function")
        }
        do {
            return try body(arguments)
        } catch {
            switch error {
            case .failed(let message): throw failure(command, "error calling \(function): \(message)")
            case .wrongType(let expected, let got, let argument):
                let spans = command.operandSpans.dropFirst()
                let at = argument < spans.count ? spans[spans.startIndex + argument] : (command.offset, command.text)
                throw failure(at: at, "wrong type for value; expected \(expected); got \(got)")
            case .wrongArgumentCount(let want, let got):
                throw failure(command, "wrong number of args for \(function): want \(want) got \(got)")
            }
        }
    }

    private func value(of operand: TemplateOperand, _ command: TemplateCommand) throws(TemplateError) -> TemplateValue {
        switch operand {
        case .literal(let value): return value
        case .pipeline(let pipeline): return try evaluate(pipeline)
        case .function(let function): return try call(function, [], command)
        case .dot(let fields): return try select(fields, from: dot, command)
        case .variable(let variable, let fields):
            let base: TemplateValue? =
                switch variable {
                case "$labels": .map(data.labels)
                case "$externalLabels": .map(data.externalLabels)
                case "$externalURL": .string(data.externalURL)
                case "$value": .float(data.value)
                default: nil
                }
            return try select(fields, from: base, command)
        }
    }

    /// Follows `.a.b` from `base` (nil: the root data).
    private func select(_ fields: [String], from base: TemplateValue?, _ command: TemplateCommand)
        throws(TemplateError) -> TemplateValue
    {
        var rest = fields[...]
        var current: TemplateValue
        if let base {
            current = base
        } else if let fields = data.fields {
            guard let first = rest.popFirst() else { return .map(fields) }
            current = .string(fields[first] ?? "")
        } else {
            guard let first = rest.popFirst() else { return .string("{\(data.labels)}") }
            current = try rootField(first, command)
        }
        while let field = rest.popFirst() {
            guard case .map(let map) = current else {
                throw failure(command, "can't evaluate field \(field) in type \(current.goType)")
            }
            current = .string(map[field] ?? "")
        }
        return current
    }

    private func rootField(_ field: String, _ command: TemplateCommand) throws(TemplateError) -> TemplateValue {
        switch field {
        case "Labels": return .map(data.labels)
        case "ExternalLabels": return .map(data.externalLabels)
        case "ExternalURL": return .string(data.externalURL)
        case "Value": return .float(data.value)
        default: throw failure(command, "can't evaluate field \(field) in type *template.tmplData")
        }
    }

    private func failure(_ command: TemplateCommand, _ message: String) -> TemplateError {
        failure(at: (command.offset, command.text), message)
    }

    private func failure(at node: (offset: Int, text: String), _ message: String) -> TemplateError {
        let before = text[..<min(node.offset, text.count)]
        let line = 1 + before.count { $0 == 10 }
        let lastNewline = before.lastIndex(of: 10)
        let column = lastNewline.map { node.offset - ($0 + 1) } ?? node.offset
        return TemplateError(
            "template: \(name):\(line):\(column): executing \(GoFormat.quote(name)) at <\(node.text)>: \(message)")
    }
}
