import Foundation
import Model
import PromQL

/// Loads rule files into ``RuleGroup``s.
public enum RuleFileLoader {
    /// Loads every file matching `patterns` (paths or globs such as `rules/*.yml`; a pattern without
    /// matches is an error, as is a missing file).
    /// - Parameter defaultInterval: the interval of groups without `interval:`.
    /// - Returns: the groups, file by file in pattern order, groups in file order.
    /// - Throws: ``RuleFileErrors`` listing every problem in every file (nothing is loaded then).
    public static func load(_ patterns: [String], defaultInterval: PrometheusDuration = .seconds(15))
        throws(RuleFileErrors) -> [RuleGroup]
    {
        var groups: [RuleGroup] = []
        var errors: [RuleFileError] = []
        for pattern in patterns {
            do {
                for file in try files(matching: pattern) {
                    do { groups += try loadFile(file, defaultInterval: defaultInterval) } catch {
                        errors += error.errors
                    }
                }
            } catch {
                errors += error.errors
            }
        }
        guard errors.isEmpty else { throw RuleFileErrors(errors) }
        return groups
    }

    /// The files one pattern of `rule_files` names, in the order ``load(_:defaultInterval:)`` loads them: those a
    /// glob matches, sorted (none is fine), or the plain path itself.
    /// - Throws: ``RuleFileErrors`` when a plain path (not a glob) does not exist.
    public static func files(matching pattern: String) throws(RuleFileErrors) -> [String] {
        let files = expand(pattern)
        if files.isEmpty, !pattern.contains(where: { "*?[".contains($0) }) {
            throw RuleFileErrors([RuleFileError(file: pattern, message: "open \(pattern): no such file or directory")])
        }
        return files
    }

    /// Loads one file.
    /// - Throws: ``RuleFileErrors`` with every problem found.
    public static func loadFile(_ file: String, defaultInterval: PrometheusDuration = .seconds(15))
        throws(RuleFileErrors) -> [RuleGroup]
    {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw RuleFileErrors([RuleFileError(file: file, message: "open \(file): no such file or directory")])
        }
        return try parse(String(decoding: data, as: UTF8.self), file: file, defaultInterval: defaultInterval)
    }

    /// Parses and validates rule-file text; `file` names it in errors and in the groups.
    /// - Throws: ``RuleFileErrors`` with every problem found.
    public static func parse(_ text: String, file: String, defaultInterval: PrometheusDuration = .seconds(15))
        throws(RuleFileErrors) -> [RuleGroup]
    {
        var parser = RuleFileParser(file: file)
        let definitions = try parser.parse(text)
        let problems = RuleFileValidator(file: file).validate(definitions)
        guard problems.isEmpty else { throw RuleFileErrors(problems) }
        do {
            return try definitions.map { definition in
                RuleGroup(
                    name: definition.name.text, file: file, interval: definition.interval ?? defaultInterval,
                    limit: definition.limit, rules: try definition.rules.map(makeRule))
            }
        } catch {
            throw RuleFileErrors([RuleFileError(file: file, message: "\(error)")])
        }
    }

    /// The number of rules in `groups`, as `promtool check rules` counts them.
    public static func ruleCount(_ groups: [RuleGroup]) -> Int { groups.reduce(0) { $0 + $1.rules.count } }

    private static func makeRule(_ definition: RuleDefinition) throws -> Rule {
        let expression = try Parser.parse(definition.expr.text)
        let labels = definition.labels.map { Label($0.name, $0.value) }
        if !definition.record.text.isEmpty {
            return .recording(RecordingRule(name: definition.record.text, expression: expression, labels: labels))
        }
        return .alerting(
            try AlertingRule(
                name: definition.alert.text, expression: expression, holdDuration: definition.holdDuration,
                keepFiringFor: definition.keepFiringFor, labels: labels,
                annotations: definition.annotations.map { Label($0.name, $0.value) }))
    }

    /// The files matching a glob, sorted (a plain path matches itself when it exists).
    static func expand(_ pattern: String) -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else {
            return FileManager.default.fileExists(atPath: pattern) ? [pattern] : []
        }
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }
}
