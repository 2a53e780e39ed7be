import Foundation
import Model
import Testing

/// Regexes match in time linear in the text (RE2), so patterns that make a backtracking engine run for seconds
/// or forever are answered at once.
struct LinearTimeRegexTests {
    static let sixtyAs = String(repeating: "a", count: 60)

    /// How long `body` takes.
    static func duration(_ body: () -> Void) -> Duration {
        ContinuousClock().measure(body)
    }

    @Test func theReviewsPatternAnswersAtOnce() throws {
        let matcher = try LabelMatcher(.regexMatch, "agent", "a{24}(a|a)*b")
        var matched = true
        let took = Self.duration { matched = matcher.matches(Self.sixtyAs) }
        #expect(!matched)
        #expect(took < .milliseconds(100), "took \(took)")
    }

    /// Nested and overlapping quantifiers, each against 60 `a`s without the final `b` (a failing match
    /// explores every split on a backtracking engine) and with it.
    static let classics = [
        "(a+)+b", "(a*)*b", "(a|aa)+b", "(a|a?)+b", "(.*a){20}b", "(a+)*(a+)*(a+)*b", "((a+)+)+b", "(\\w+\\w?)+b",
        "(a|a)*b", "(?:a*)*b",
    ]

    @Test("nested quantifiers", arguments: classics)
    func nestedQuantifiersAnswerAtOnce(pattern: String) throws {
        let matcher = try LabelMatcher(.regexMatch, "agent", pattern)
        var results: [Bool] = []
        let took = Self.duration {
            results = [matcher.matches(Self.sixtyAs), matcher.matches(Self.sixtyAs + "b")]
        }
        #expect(results == [false, true])
        #expect(took < .milliseconds(100), "took \(took)")
    }

    @Test func labelReplaceCapturesAnswerAtOnce() throws {
        let regex = try AnchoredRegex("a{24}(a|a)*(b?)")
        var captured: [String]?
        let took = Self.duration { captured = regex.captures(Self.sixtyAs)?.numbered }
        #expect(captured == [Self.sixtyAs, "a", ""])
        #expect(took < .milliseconds(100), "took \(took)")
    }

    @Test func oneCompiledMatcherIsSharedByManyThreads() throws {
        let matcher = try LabelMatcher(.regexMatch, "agent", "(worker|planner)-[0-9]+")
        let texts = (0..<1000).map { $0.isMultiple(of: 2) ? "worker-\($0)" : "critic-\($0)" }
        let counts = LockedCounts()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            counts.add(texts.filter(matcher.matches).count)
        }
        #expect(counts.values == Array(repeating: 500, count: 8))
    }
}

/// Results gathered from several threads.
private final class LockedCounts: @unchecked Sendable {
    // Safety: `stored` is read and written under `lock` only.
    private let lock = NSLock()
    private var stored: [Int] = []

    func add(_ count: Int) { lock.withLock { stored.append(count) } }

    var values: [Int] { lock.withLock { stored } }
}
