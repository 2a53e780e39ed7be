/// 10^exponent for 0...19 (a switch, so no lazily initialised global is touched on the hot path).
func powerOfTen(_ exponent: Int) -> UInt64 {
    switch exponent {
    case 0: 1
    case 1: 10
    case 2: 100
    case 3: 1_000
    case 4: 10_000
    case 5: 100_000
    case 6: 1_000_000
    case 7: 10_000_000
    case 8: 100_000_000
    case 9: 1_000_000_000
    case 10: 10_000_000_000
    case 11: 100_000_000_000
    case 12: 1_000_000_000_000
    case 13: 10_000_000_000_000
    case 14: 100_000_000_000_000
    case 15: 1_000_000_000_000_000
    case 16: 10_000_000_000_000_000
    case 17: 100_000_000_000_000_000
    case 18: 1_000_000_000_000_000_000
    default: 10_000_000_000_000_000_000
    }
}

/// How many decimal digits `value` has (1 for zero).
func decimalDigitCount(_ value: UInt64) -> Int {
    var count = 1
    var threshold: UInt64 = 10
    while value >= threshold {
        count += 1
        if count == 20 { break }
        threshold &*= 10
    }
    return count
}

/// A positive decimal number `0.d₁d₂…dₙ × 10^point`, digits without trailing zeros.
struct DecimalDigits: Equatable {
    /// The digits d₁…dₙ as an integer.
    var digits: UInt64
    /// n, the number of digits.
    var count: Int
    /// Where the decimal point goes: the value is `0.digits × 10^point`.
    var point: Int

    init(digits: UInt64, count: Int, point: Int) {
        var digits = digits
        var count = count
        while count > 1, digits % 10 == 0 {
            digits /= 10
            count -= 1
        }
        self.digits = digits
        self.count = count
        self.point = point
    }

    /// Exact digits of an integral value below 2^53.
    init?(integral magnitude: Double) {
        guard magnitude < 9_007_199_254_740_992, magnitude == magnitude.rounded(.towardZero) else { return nil }
        let value = UInt64(magnitude)
        let count = decimalDigitCount(value)
        self.init(digits: value, count: count, point: count)
    }

    /// Shortest digits of a value with at most eight decimals, such as 0.5, 234.25 or 1764115200.123.
    ///
    /// Tries 1, 2, … decimals; the first decimal that converts back to `magnitude` is the shortest
    /// representation. Keeping `magnitude × 10^decimals` below 2^50 makes that candidate unique (the
    /// spacing of doubles near `magnitude` is below a quarter of 10^-decimals) and makes rounding the
    /// scaled product land on it (both errors stay under 1/4).
    init?(shortDecimal magnitude: Double) {
        var power = 1.0
        for decimals in 1...8 {
            power *= 10
            let product = magnitude * power
            guard product < 1_125_899_906_842_624 else { return nil }
            let scaled = product.rounded()
            guard scaled / power == magnitude else { continue }
            let value = UInt64(scaled)
            let count = decimalDigitCount(value)
            self.init(digits: value, count: count, point: count - decimals)
            return
        }
        return nil
    }

    /// Shortest digits read from the standard library's description (`1.2345e-07`, `123.5`).
    init(describing magnitude: Double) {
        var reader = DescriptionReader()
        var description = magnitude.description
        description.withUTF8 { reader.read($0) }
        let point = (reader.integerDigits > 0 ? reader.integerDigits : -reader.leadingFractionZeros) + reader.exponent
        self.init(digits: reader.digits, count: max(reader.count, 1), point: point)
    }
}

/// Collects the significant digits and exponent of a number such as `0.00123`, `1.5e+16`.
private struct DescriptionReader {
    var digits: UInt64 = 0
    var count = 0
    var integerDigits = 0
    var leadingFractionZeros = 0
    var seenPoint = false
    var exponent = 0

    mutating func read(_ utf8: UnsafeBufferPointer<UInt8>) {
        for (index, byte) in utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "."):
                seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                exponent = Self.parseExponent(utf8[(index + 1)...])
                return
            case UInt8(ascii: "0") where count == 0:
                if seenPoint { leadingFractionZeros += 1 }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if count < 19 {
                    digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
                    count += 1
                }
                if !seenPoint { integerDigits += 1 }
            default:
                continue
            }
        }
    }

    private static func parseExponent(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Int {
        var negative = false
        var value = 0
        for byte in text {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value * 10 + Int(byte - UInt8(ascii: "0"))
            default: continue
            }
        }
        return negative ? -value : value
    }
}
