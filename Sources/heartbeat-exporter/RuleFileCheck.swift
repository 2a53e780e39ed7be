import Foundation
import Rules

/// Checks one rule file as `promtool check rules` does; `rules check` and `config check` both print through it,
/// so a rule file reads the same whichever command found it.
enum RuleFileCheck {
    /// Prints `Checking FILE`, then `  SUCCESS: N rules found` on standard output, or `  FAILED:` and every
    /// problem (`FILE: LINE:COL: group "G", rule N, "NAME": problem`) on standard error, then an empty line.
    /// A duplicate rule (same name and labels) is reported as promtool's lint, without failing.
    /// - Returns: false when the file cannot be loaded as the exporter would load it.
    static func check(_ file: String) -> Bool {
        print("Checking \(file)")
        defer { print("") }
        do {
            let groups = try RuleFileLoader.loadFile(file)
            if let lint = DuplicateRuleLint.message(for: groups) {
                flushStandardOutput()
                printError("  FAILED:")
                printError(lint)
            } else {
                print("  SUCCESS: \(RuleFileLoader.ruleCount(groups)) rules found")
            }
            return true
        } catch {
            flushStandardOutput()
            printError("  FAILED:")
            error.errors.forEach { printError($0.description) }
            return false
        }
    }
}

/// Writes a line to standard error without buffering surprises.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Flushes standard output, so that what went there comes before what goes to standard error next.
func flushStandardOutput() {
    fflush(nil)
}
