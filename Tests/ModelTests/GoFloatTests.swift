@testable import Model
import Testing

struct GoFloatTests {
    private func go(_ value: Double) -> String {
        var bytes: [UInt8] = []
        GoFloat.appendGo(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func openMetrics(_ value: Double) -> String {
        var bytes: [UInt8] = []
        GoFloat.appendOpenMetrics(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Outputs of Go's `strconv.FormatFloat(v, 'g', -1, 64)`, as client_golang writes sample values.
    @Test(arguments: [
        (0.0, "0"), (-0.0, "-0"), (1, "1"), (-1, "-1"), (20, "20"), (100, "100"), (0.5, "0.5"),
        (100_000, "100000"), (999_999, "999999"), (1e6, "1e+06"), (-1e6, "-1e+06"), (1_234_567, "1.234567e+06"),
        (1_234_567.8, "1.2345678e+06"), (123_456.7, "123456.7"), (1e21, "1e+21"), (1e23, "1e+23"),
        (1.0000000000000001e23, "1.0000000000000001e+23"), (1e100, "1e+100"), (0.0001, "0.0001"),
        (0.00001, "1e-05"), (0.000123, "0.000123"), (0.0000123, "1.23e-05"), (0.1, "0.1"), (0.3, "0.3"),
        (0.1 + 0.2, "0.30000000000000004"), (3.14159, "3.14159"), (234.5, "234.5"), (0.003, "0.003"),
        (9_007_199_254_740_992, "9.007199254740992e+15"),
        (18_446_744_073_709_551_616, "1.8446744073709552e+19"),
        (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
        (.leastNonzeroMagnitude, "5e-324"), (1_000_000_000.5, "1.0000000005e+09"),
        (999_999_999.999999, "9.99999999999999e+08"),
        (1_764_115_200, "1.7641152e+09"), (1e-7, "1e-07"), (123.456789, "123.456789"), (0.1234567, "0.1234567"),
        (.infinity, "+Inf"), (-.infinity, "-Inf"), (.nan, "NaN"),
    ])
    func formatsLikeGo(value: Double, expected: String) {
        #expect(go(value) == expected)
    }

    /// Canonical OpenMetrics numbers, as client_golang's `writeOpenMetricsFloat` writes `le` values.
    @Test(arguments: [
        (1.0, "1.0"), (0, "0.0"), (-1, "-1.0"), (10, "10.0"), (0.5, "0.5"), (0.005, "0.005"), (1e6, "1e+06"),
        (2.5e-5, "2.5e-05"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (.nan, "NaN"),
    ])
    func formatsOpenMetricsCanonically(value: Double, expected: String) {
        #expect(openMetrics(value) == expected)
    }

    /// The fast paths must agree with the shortest digits the standard library finds, and read back exactly.
    @Test func fastPathsAgreeWithTheGeneralPathAndRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        var samples: [Double] = (0..<20_000).map { _ in
            Double(Int.random(in: 0...10_000_000, using: &generator))
                / [1.0, 10, 100, 1000, 1e4, 1e6][Int.random(in: 0...5, using: &generator)]
        }
        samples += (0..<20_000).map { _ in Double.random(in: 1e-4..<1e9, using: &generator) }
        for value in samples {
            let general = DecimalDigits(describing: value)
            if let fast = DecimalDigits(integral: value) ?? DecimalDigits(shortDecimal: value) {
                #expect(fast == general, "\(value)")
            }
            #expect(Double(go(value)) == value, "\(value) -> \(go(value))")
        }
    }

    @Test(arguments: [
        (0 as UInt64, "0"), (7, "7"), (10, "10"), (1_234_567_890, "1234567890"), (.max, "18446744073709551615"),
    ])
    func formatsIntegers(value: UInt64, expected: String) {
        var bytes: [UInt8] = []
        GoFloat.appendInteger(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }
}
