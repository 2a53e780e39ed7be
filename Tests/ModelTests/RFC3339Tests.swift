import Model
import Testing

struct RFC3339Tests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"), (1_767_225_600.5, "2026-01-01T00:00:00.500Z"),
        (951_782_400, "2000-02-29T00:00:00.000Z"), (-1, "1969-12-31T23:59:59.000Z"),
    ])
    func formatsUTCWithMilliseconds(time: Double, text: String) {
        #expect(RFC3339.format(time) == text)
    }

    @Test func parsesWhatItFormats() {
        #expect(RFC3339.parse("2026-01-01T00:00:00.500Z") == 1_767_225_600.5)
        #expect(RFC3339.parse("2026-01-01T01:00:00+01:00") == 1_767_225_600)
        #expect(RFC3339.parse("yesterday") == nil)
    }
}
