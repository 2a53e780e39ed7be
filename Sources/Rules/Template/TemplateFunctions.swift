import Foundation
import Model

/// Why a template function call failed: Go's `error calling f: …` or an argument problem.
enum TemplateFunctionError: Error {
    case failed(String)
    case wrongType(expected: String, got: String, argument: Int)
    case wrongArgumentCount(want: Int, got: Int)
}

/// The template functions of the supported subset, with Prometheus' exact output formats.
enum TemplateFunctions {
    typealias Function = @Sendable ([TemplateValue]) throws(TemplateFunctionError) -> TemplateValue

    /// Prometheus' template functions that this engine does not implement (a load error names them).
    static let unsupported: Set = [
        "query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "match", "safeHtml", "stripPort",
        "stripDomain", "graphLink", "tableLink", "sortByLabel", "externalURL", "pathPrefix", "parseDuration",
        "toTime", "toDuration", "now", "urlQueryEscape", "html", "js", "call", "index", "slice", "len", "println",
        "print", "urlquery",
    ]

    static let all: [String: Function] = [
        "humanize": unary(Humanize.metric),
        "humanize1024": unary(Humanize.binary),
        "humanizeDuration": unary(Humanize.duration),
        "humanizePercentage": unary { GoFloat.format($0 * 100, verb: "g", precision: 4) + "%" },
        "humanizeTimestamp": { (arguments) throws(TemplateFunctionError) in
            try .string(Humanize.timestamp(try float(try single(arguments))))
        },
        "printf": { (arguments) throws(TemplateFunctionError) in
            guard case .string(let format)? = arguments.first else {
                throw .wrongType(expected: "string", got: arguments.first?.goType ?? "<nil>", argument: 0)
            }
            return .string(GoPrintf.format(format, Array(arguments.dropFirst())))
        },
        "toUpper": stringFunction { $0.uppercased() },
        "toLower": stringFunction { $0.lowercased() },
        "title": stringFunction(goTitle),
        "eq": comparison { $0 == .orderedSame },
        "ne": comparison { $0 != .orderedSame },
        "lt": comparison { $0 == .orderedAscending },
        "le": comparison { $0 != .orderedDescending },
        "gt": comparison { $0 == .orderedDescending },
        "ge": comparison { $0 != .orderedAscending },
        "not": { (arguments) throws(TemplateFunctionError) in .bool(!(try single(arguments)).isTrue) },
        "and": { (arguments) throws(TemplateFunctionError) in arguments.first { !$0.isTrue } ?? arguments.last ?? .none
        },
        "or": { (arguments) throws(TemplateFunctionError) in arguments.first { $0.isTrue } ?? arguments.last ?? .none },
    ]

    private static func single(_ arguments: [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue {
        guard arguments.count == 1 else { throw .wrongArgumentCount(want: 1, got: arguments.count) }
        return arguments[0]
    }

    /// Prometheus' `convertToFloat`: float64, int, or a string `strconv.ParseFloat` accepts.
    static func float(_ value: TemplateValue) throws(TemplateFunctionError) -> Double {
        switch value {
        case .float(let number): return number
        case .int(let number): return Double(number)
        case .string(let text):
            guard let number = goParseFloat(text) else {
                throw .failed("strconv.ParseFloat: parsing \(GoFormat.quote(text)): invalid syntax")
            }
            return number
        default: throw .failed("can't convert \(value.goType) to float")
        }
    }

    private static func goParseFloat(_ text: String) -> Double? {
        switch text.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return text.contains(where: { $0.isLetter && !"eExXpP".contains($0) }) ? nil : Double(text)
        }
    }

    private static func unary(_ body: @escaping @Sendable (Double) -> String) -> Function {
        { (arguments) throws(TemplateFunctionError) in .string(body(try float(try single(arguments)))) }
    }

    private static func stringFunction(_ body: @escaping @Sendable (String) -> String) -> Function {
        { (arguments) throws(TemplateFunctionError) in
            guard case .string(let text) = try single(arguments) else {
                throw .wrongType(expected: "string", got: arguments[0].goType, argument: 0)
            }
            return .string(body(text))
        }
    }

    private static func comparison(_ accept: @escaping @Sendable (ComparisonResult) -> Bool) -> Function {
        { (arguments) throws(TemplateFunctionError) in
            guard arguments.count == 2 else { throw .wrongArgumentCount(want: 2, got: arguments.count) }
            switch (arguments[0], arguments[1]) {
            case (.string(let a), .string(let b)):
                return .bool(accept(a < b ? .orderedAscending : a == b ? .orderedSame : .orderedDescending))
            default:
                let a = try float(arguments[0]), b = try float(arguments[1])
                return .bool(accept(a < b ? .orderedAscending : a == b ? .orderedSame : .orderedDescending))
            }
        }
    }

    /// Go's deprecated `strings.Title`: upper-cases the first letter of each word; words are separated by
    /// anything but letters, digits and `_`.
    static func goTitle(_ text: String) -> String {
        var out = ""
        var previousIsSeparator = true
        for character in text {
            out += previousIsSeparator ? character.uppercased() : String(character)
            previousIsSeparator = !(character.isLetter || character.isNumber || character == "_")
        }
        return out
    }
}
