import Model
import Testing

struct TimestampTests {
    /// Both RFC 3339 forms of one time: the API form with three fraction digits, and Go's JSON form.
    @Test(
        arguments: [
            (0, "1970-01-01T00:00:00.000Z", "1970-01-01T00:00:00Z"),
            (1_767_225_600_500, "2026-01-01T00:00:00.500Z", "2026-01-01T00:00:00.5Z"),
            (1_764_107_460_250, "2025-11-25T21:51:00.250Z", "2025-11-25T21:51:00.25Z"),
            (1_764_107_452_123, "2025-11-25T21:50:52.123Z", "2025-11-25T21:50:52.123Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z", "2000-02-29T00:00:00Z"),
            (4_107_542_399_999, "2100-02-28T23:59:59.999Z", "2100-02-28T23:59:59.999Z"),
            (-1_000, "1969-12-31T23:59:59.000Z", "1969-12-31T23:59:59Z"),
            (-1, "1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
            (-62_135_596_800_000, "0001-01-01T00:00:00.000Z", "0001-01-01T00:00:00Z"),
        ] as [(Int64, String, String)])
    func formatsRFC3339InUTC(milliseconds: Int64, api: String, go: String) {
        let time = Timestamp(milliseconds: milliseconds)
        #expect(time.rfc3339 == api)
        #expect(time.goRFC3339 == go)
        #expect(time.description == api)
        #expect(Timestamp(rfc3339: api) == time)
        #expect(Timestamp(rfc3339: go) == time)
    }

    @Test func goZeroIsGosZeroTime() {
        #expect(Timestamp.goZero.goRFC3339 == "0001-01-01T00:00:00Z")
        #expect(Timestamp.goZero.rfc3339 == "0001-01-01T00:00:00.000Z")
    }

    @Test(
        arguments: [
            ("2026-01-01T01:00:00+01:00", 1_767_225_600_000), ("2025-12-31T19:30:00-04:30", 1_767_225_600_000),
            ("2026-01-01t00:00:00z", 1_767_225_600_000), ("2026-01-01T00:00:00.123456789Z", 1_767_225_600_123),
            ("2026-01-01T00:00:00.1Z", 1_767_225_600_100), ("2024-02-29T12:00:00Z", 1_709_208_000_000),
        ] as [(String, Int64)])
    func parsesRFC3339(text: String, milliseconds: Int64) {
        #expect(Timestamp(rfc3339: text) == Timestamp(milliseconds: milliseconds))
    }

    @Test(arguments: [
        "yesterday", "", "2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00:00.Z", "2026-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:00+0100",
        "2026-01-01 00:00:00Z", "2026-01-01T00:00:00Z ", "+2026-01-01T00:00:00Z",
    ])
    func refusesMalformedRFC3339(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    /// Seconds as exact decimals, as `Double`s, and in Go's `'g'` form of the exposition formats.
    @Test(
        arguments: [
            (1_733_472_000_123, "1733472000.123", 1_733_472_000.123, "1.733472000123e+09"),
            (1_764_115_200_000, "1764115200", 1_764_115_200, "1.7641152e+09"),
            (0, "0", 0, "0"), (1_500, "1.5", 1.5, "1.5"), (-500, "-0.5", -0.5, "-0.5"),
            (-86_400_010, "-86400.01", -86_400.01, "-86400.01"), (5, "0.005", 0.005, "0.005"),
        ] as [(Int64, String, Double, String)])
    func writesSeconds(milliseconds: Int64, decimal: String, seconds: Double, go: String) {
        let time = Timestamp(milliseconds: milliseconds)
        #expect(time.decimalSeconds == decimal)
        #expect(time.seconds == seconds)
        var bytes: [UInt8] = []
        time.appendGoSeconds(to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == go)
        #expect(go == GoFloat.prometheusText(seconds))
        #expect(Timestamp(seconds: seconds) == time)
    }

    @Test func arithmetic() {
        let time = Timestamp(seconds: 1_767_225_600)
        #expect(time.milliseconds == 1_767_225_600_000)
        #expect(time + .seconds(90) == Timestamp(milliseconds: 1_767_225_690_000))
        #expect(time - .minutes(1) == Timestamp(seconds: 1_767_225_540))
        #expect((time + .milliseconds(1_500)) - time == .milliseconds(1_500))
        #expect(time - (time + .seconds(3)) == .seconds(-3))
        var moving = time
        moving += .hours(1)
        moving -= .seconds(1)
        #expect(moving == Timestamp(seconds: 1_767_229_199))
        #expect(time < moving && Timestamp.goZero < .epoch)
        #expect(Timestamp(milliseconds: 1_500).wholeSeconds == 1)
        #expect(Timestamp(milliseconds: -1_500).wholeSeconds == -2)
        #expect(Timestamp(milliseconds: 61_999).truncated(to: .minutes(1)) == Timestamp(seconds: 60))
        #expect(Timestamp(milliseconds: -1).truncated(to: .seconds(1)) == Timestamp(seconds: -1))
        #expect(Timestamp(seconds: Double.infinity) == nil)
        #expect(Timestamp(seconds: 1e300) == nil)
        #expect(Timestamp(seconds: -0.0015) == Timestamp(milliseconds: -2))
        #expect(SampleTime.seconds(from: 1_000, to: 3_500) == 2.5)
        #expect(SampleTime.seconds(1_500) == 1.5)
        #expect(SampleTime.wholeSeconds(1_999) == 1_000)
    }

    @Test func systemClockReadsTheMillisecond() {
        let before = SystemClock().now()
        let after = SystemClock().now()
        #expect(before <= after)
        #expect(before > Timestamp(rfc3339: "2024-01-01T00:00:00Z") ?? .goZero)
    }
}
