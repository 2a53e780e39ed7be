import Model
import Testing

struct PrometheusDurationTests {
    @Test(
        arguments: [
            ("90s", 90_000), ("5m", 300_000), ("1h30m", 5_400_000), ("1d", 86_400_000), ("2w", 1_209_600_000),
            ("1y", 31_536_000_000), ("500ms", 500), ("1m500ms", 60_500), ("0", 0), ("0s", 0), ("25h", 90_000_000),
            ("1h0m1s", 3_601_000), ("007s", 7_000),
        ] as [(String, Int64)])
    func parsesPrometheusDurations(text: String, milliseconds: Int64) throws {
        #expect(try PrometheusDuration(parsing: text) == .milliseconds(milliseconds))
    }

    @Test(arguments: [
        "", "90", "1.5h", "5M", "m", "1m1h", "1s1s", "-5m", "5 m", "1hh", "1x", " 5m", "1ms1s",
        "292471209y", "99999999999999999999s", "292471208y36w",
    ])
    func refusesWhatPrometheusRefuses(text: String) {
        #expect(throws: PrometheusDuration.ParseError(text: text)) { try PrometheusDuration(parsing: text) }
    }

    @Test func errorMessageQuotesTheText() {
        #expect(PrometheusDuration.ParseError(text: "9Os").description == "not a valid duration string: \"9Os\"")
    }

    /// `model.Duration.String()`, and parsing it back gives the same span.
    @Test(
        arguments: [
            (90_000, "1m30s"), (300_000, "5m"), (5_400_000, "1h30m"), (0, "0s"), (250, "250ms"), (86_400_000, "1d"),
            (31_536_000_000 + 1_000, "1y1s"), (1_209_600_000, "2w"), (-90_000, "-1m30s"), (3_601_001, "1h1s1ms"),
        ] as [(Int64, String)])
    func formatsLikePrometheus(milliseconds: Int64, text: String) throws {
        let span = PrometheusDuration.milliseconds(milliseconds)
        #expect(span.description == text)
        if milliseconds >= 0 { #expect(try PrometheusDuration(parsing: text) == span) }
    }

    /// Go's `time.Duration.String()`.
    @Test(
        arguments: [
            (0, "0s"), (500, "500ms"), (1_500, "1.5s"), (60_000, "1m0s"), (3_600_000, "1h0m0s"), (90_250, "1m30.25s"),
            (-1_500, "-1.5s"), (-20, "-20ms"), (100_000_000, "27h46m40s"),
        ] as [(Int64, String)])
    func formatsLikeGo(milliseconds: Int64, text: String) {
        #expect(PrometheusDuration.milliseconds(milliseconds).goDescription == text)
    }

    @Test(
        arguments: [
            (0, "0", 0.0), (1_500, "1.5", 1.5), (60_000, "60", 60), (1, "0.001", 0.001), (-250, "-0.25", -0.25),
            (1_010, "1.01", 1.01),
        ] as [(Int64, String, Double)])
    func convertsToSeconds(milliseconds: Int64, decimal: String, seconds: Double) {
        let span = PrometheusDuration.milliseconds(milliseconds)
        #expect(span.decimalSeconds == decimal)
        #expect(span.seconds == seconds)
    }

    @Test func buildsAndCombinesSpans() {
        #expect(PrometheusDuration.seconds(90) == .milliseconds(90_000))
        #expect(PrometheusDuration.seconds(0.0015) == .milliseconds(2))
        #expect(PrometheusDuration.seconds(Double.nan) == .zero)
        #expect(PrometheusDuration.minutes(2) + .seconds(30) == .milliseconds(150_000))
        #expect(PrometheusDuration.hours(1) - .minutes(90) == .minutes(-30))
        #expect(-PrometheusDuration.seconds(5) == .milliseconds(-5_000))
        #expect(PrometheusDuration.seconds(5) * 3 == .seconds(15))
        #expect(PrometheusDuration.minutes(5) / .seconds(90) == 3)
        #expect(PrometheusDuration.milliseconds(90_700).truncated(to: .seconds(1)) == .seconds(90))
        #expect(PrometheusDuration.milliseconds(-1_500).truncated(to: .seconds(1)) == .seconds(-1))
        #expect(PrometheusDuration.seconds(1) < .milliseconds(1_001))
        #expect(PrometheusDuration.milliseconds(1_500).swiftDuration == .milliseconds(1_500))
    }
}
