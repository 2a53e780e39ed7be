/// Powers of ten as integers, 10^0 through 10^19.
let integerPowersOfTen: [UInt64] = (0...19).map { exponent in
    var power: UInt64 = 1
    for _ in 0..<exponent { power *= 10 }
    return power
}

/// Powers of ten as doubles, 10^0 through 10^6, all exact.
private let smallDoublePowersOfTen: [Double] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6]

/// How many decimal digits `value` has (1 for zero).
func decimalDigitCount(_ value: UInt64) -> Int {
    var count = 1
    while count < 20, value >= integerPowersOfTen[count] { count += 1 }
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

    /// Shortest digits of a value in [1e-4, 1e9) with at most six decimals, such as 0.5 or 234.25.
    ///
    /// The decimal with the fewest fractional digits that converts back to `magnitude` is the
    /// shortest representation; in this range at most one candidate exists per digit count, since
    /// the spacing of doubles below 1e9 (≤ 1.2e-7) is finer than 1e-6.
    init?(shortDecimal magnitude: Double) {
        guard magnitude >= 1e-4, magnitude < 1e9 else { return nil }
        for decimals in 1...6 {
            let power = smallDoublePowersOfTen[decimals]
            let scaled = (magnitude * power).rounded()
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

    /// The digit at `index` (0-based); zero outside the digits.
    func digit(at index: Int) -> UInt8 {
        guard index >= 0, index < count else { return UInt8(ascii: "0") }
        return UInt8(ascii: "0") + UInt8(digits / integerPowersOfTen[count - 1 - index] % 10)
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
