import Model

extension EvaluationContext {
    /// `label_replace(v, dst, replacement, src, regex)`.
    func labelReplace(_ args: [Expr]) throws -> Vector {
        let destination = try evalString(args[1])
        let replacement = try evalString(args[2])
        let source = try evalString(args[3])
        let pattern = try evalString(args[4])
        let regex: AnchoredRegex
        do {
            regex = try AnchoredRegex(pattern)
        } catch {
            throw EvaluationError("invalid regular expression in label_replace(): \(pattern)")
        }
        guard isValidLabelName(destination) else {
            throw EvaluationError("invalid destination label name in label_replace(): \(destination)")
        }
        return try evalVector(args[0]).map { sample in
            guard let groups = regex.captures(sample.labels[source]) else { return sample }
            let value = expandTemplate(replacement, groups)
            return Sample(labels: sample.labels.setting(destination, to: value), value: sample.value, timestamp: time)
        }
    }

    /// `label_join(v, dst, separator, src...)`.
    func labelJoin(_ args: [Expr]) throws -> Vector {
        let destination = try evalString(args[1])
        let separator = try evalString(args[2])
        let sources = try args.dropFirst(3).map(evalString)
        guard isValidLabelName(destination) else {
            throw EvaluationError("invalid destination label name in label_join(): \(destination)")
        }
        for source in sources where !isValidLabelName(source) {
            throw EvaluationError("invalid source label name in label_join(): \(source)")
        }
        return try evalVector(args[0]).map { sample in
            let value = sources.map { sample.labels[$0] }.joined(separator: separator)
            return Sample(labels: sample.labels.setting(destination, to: value), value: sample.value, timestamp: time)
        }
    }
}

/// Expands `$1`, `${1}`, `$name`, `${name}` and `$$` like Go's `Regexp.ExpandString`.
func expandTemplate(_ template: String, _ groups: (numbered: [String], named: [String: String])) -> String {
    var output = ""
    var rest = Substring(template)
    while let dollar = rest.firstIndex(of: "$") {
        output += rest[..<dollar]
        rest = rest[rest.index(after: dollar)...]
        if rest.first == "$" {
            output += "$"
            rest = rest.dropFirst()
            continue
        }
        guard let (name, remainder) = templateReference(rest) else {
            output += "$"
            continue
        }
        rest = remainder
        if let number = Int(name), name.utf8.allSatisfy(isDigit) {
            output += number < groups.numbered.count ? groups.numbered[number] : ""
        } else {
            output += groups.named[name] ?? ""
        }
    }
    return output + rest
}

/// The group name after a `$` (`name` or `{name}`) and the text after it; nil if there is none.
private func templateReference(_ text: Substring) -> (String, Substring)? {
    if text.first == "{" {
        guard let close = text.firstIndex(of: "}") else { return nil }
        let name = text[text.index(after: text.startIndex)..<close]
        guard !name.isEmpty, name.utf8.allSatisfy({ isLetter($0) || isDigit($0) }) else { return nil }
        return (String(name), text[text.index(after: close)...])
    }
    let end = text.firstIndex { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")) } ?? text.endIndex
    guard end != text.startIndex else { return nil }
    return (String(text[..<end]), text[end...])
}
