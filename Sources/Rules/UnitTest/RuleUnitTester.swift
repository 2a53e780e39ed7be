import Foundation
import PromQL

/// Runs `promtool test rules` files with this engine, mirroring promtool 2.42's evaluation loop and messages.
public enum RuleUnitTester {
    /// Runs the test file at `path`.
    /// - Returns: the failures, each worded (and indented) as promtool prints it; empty when every test passed.
    public static func run(file path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            return ["open \(path): no such file or directory"]
        }
        var parser = RuleTestFileParser()
        let file: RuleTestFile
        do { file = try parser.parse(String(decoding: data, as: UTF8.self)) } catch { return [error.message] }
        var order: [String: Int] = [:]
        for (index, name) in file.groupEvalOrder.enumerated() {
            if order[name] != nil { return ["group name repeated in evaluation order: \(name)"] }
            order[name] = index
        }
        let ruleFiles = resolve(file.ruleFiles, relativeTo: (path as NSString).deletingLastPathComponent)
        var failures: [String] = []
        for test in file.tests {
            var run = RuleTestGroupRun(test: test, evaluationInterval: file.evaluationInterval, groupOrder: order)
            failures += run.run(ruleFiles: ruleFiles)
        }
        return failures
    }

    /// promtool's `resolveAndGlobFilepaths`: relative paths are joined to the test file's folder, then globbed.
    private static func resolve(_ files: [String], relativeTo folder: String) -> [String] {
        files.flatMap { file -> [String] in
            let joined = file.hasPrefix("/") || file.isEmpty ? file : cleanJoin(folder, file)
            let matches = RuleFileLoader.expand(joined)
            if matches.isEmpty {
                FileHandle.standardError.write(Data("  WARNING: no file match pattern \(joined)\n".utf8))
            }
            return matches
        }
    }

    /// Go's `filepath.Join`: joins and cleans `.` components.
    private static func cleanJoin(_ folder: String, _ file: String) -> String {
        var parts: [Substring] = []
        for part in (folder + "/" + file).split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return folder.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
