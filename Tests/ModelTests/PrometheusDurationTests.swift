import Model
import Testing

struct PrometheusDurationTests {
    @Test(arguments: [
        ("90s", 90.0), ("5m", 300), ("1h30m", 5_400), ("1d", 86_400), ("2w", 1_209_600), ("1y", 31_536_000),
        ("500ms", 0.5), ("1m500ms", 60.5), ("0", 0), ("0s", 0), ("25h", 90_000), ("1h0m1s", 3_601),
    ])
    func parsesPrometheusDurations(text: String, seconds: Double) throws {
        #expect(try PrometheusDuration.parse(text) == seconds)
    }

    @Test(arguments: ["", "90", "1.5h", "5M", "m", "1m1h", "1s1s", "-5m", "5 m", "1hh", "1x", " 5m", "1ms1s"])
    func refusesWhatPrometheusRefuses(text: String) {
        #expect(throws: PrometheusDuration.ParseError(text: text)) { try PrometheusDuration.parse(text) }
    }

    @Test func errorMessageQuotesTheText() {
        #expect(PrometheusDuration.ParseError(text: "9Os").description == "not a valid duration string: \"9Os\"")
    }

    @Test(arguments: [(90.0, "1m30s"), (300, "5m"), (5_400, "1h30m"), (0, "0s"), (0.25, "250ms"), (86_400, "1d")])
    func formatsLikePrometheus(seconds: Double, text: String) {
        #expect(PrometheusDuration.format(seconds) == text)
    }
}
