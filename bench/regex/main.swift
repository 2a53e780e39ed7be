// Label matcher speed, Swift's Regex (the engine label matchers used before) beside RE2 (AnchoredRegex now),
// over 100,000 label values: `swift build -c release --product regex-bench && .build/release/regex-bench`.
import Foundation
import Model

/// Ordinary `agent_type` values, a third of them matched by `worker|planner`.
let values: [String] = (0..<100_000).map { index in
    ["worker", "planner", "critic", "reviewer", "worker-assistant", "summarizer"][index % 6]
        + (index % 5 == 0 ? "-\(index)" : "")
}

/// The best of `runs` passes over `values`, in milliseconds, and how many values matched.
func measure(runs: Int = 11, _ matches: (String) -> Bool) -> (milliseconds: Double, count: Int) {
    var best = Double.infinity
    var count = 0
    let clock = ContinuousClock()
    for _ in 0..<runs {
        var matched = 0
        let took = clock.measure {
            for value in values where matches(value) { matched += 1 }
        }
        count = matched
        let (seconds, attoseconds) = took.components
        best = min(best, Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }
    return (best, count)
}

/// Swift's Regex as label matchers compiled it before: `(?:pattern)`, whole match, RE2-like classes.
func swiftRegex(_ pattern: String) throws -> Regex<AnyRegexOutput> {
    try Regex("(?:" + pattern + ")").matchingSemantics(.unicodeScalar).asciiOnlyCharacterClasses()
}

let patterns = [
    "worker|planner",  // plain alternation: both answer it from a set, without calling an engine
    "(?:worker|planner)",  // the same through the engine
    "worker.*",
    "(worker|planner)(-[0-9]+)?",
    ".*-[0-9]+",
    "[a-z]+er",
]
print("| pattern | Swift Regex ms | Swift Regex + set shortcut (before) ms | RE2 + set shortcut (now) ms | matched |")
print("|---|---|---|---|---|")
for pattern in patterns {
    let swift = try swiftRegex(pattern)
    let re2 = try AnchoredRegex(pattern)
    let engine = measure { (try? swift.wholeMatch(in: $0)) != nil }
    let literals: Set<String>? =
        pattern.contains(where: { "\\.+*?()[]{}^$".contains($0) })
        ? nil : Set(pattern.split(separator: "|", omittingEmptySubsequences: false).map(String.init))
    let before = measure { value in literals.map { $0.contains(value) } ?? ((try? swift.wholeMatch(in: value)) != nil) }
    let now = measure(re2.matches)
    precondition(engine.count == now.count && before.count == now.count, "engines disagree on \(pattern)")
    print(
        "| `\(pattern)` | \(String(format: "%.1f", engine.milliseconds)) | \(String(format: "%.1f", before.milliseconds))"
            + " | \(String(format: "%.1f", now.milliseconds)) | \(now.count) |")
}

/// Compiling, as each matcher does once: a filter per API request, a selector per rule load.
let compiles = 2000
let clock = ContinuousClock()
let swiftCompile = try clock.measure { for _ in 0..<compiles { _ = try swiftRegex("(worker|planner)(-[0-9]+)?") } }
let re2Compile = try clock.measure { for _ in 0..<compiles { _ = try AnchoredRegex("(worker|planner)(-[0-9]+)?") } }
func microseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    return String(format: "%.1f", (Double(seconds) * 1e6 + Double(attoseconds) / 1e12) / Double(compiles))
}
print(
    "\ncompile `(worker|planner)(-[0-9]+)?`: Swift Regex \(microseconds(swiftCompile)) µs, RE2 \(microseconds(re2Compile)) µs"
)
