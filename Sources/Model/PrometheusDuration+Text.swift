/// Reading and printing ``PrometheusDuration`` in Prometheus' and Go's notations.
extension PrometheusDuration: CustomStringConvertible {
    /// Why a duration string was refused.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text that was refused.
        public var text: String

        /// An error for `text`.
        public init(text: String) {
            self.text = text
        }

        /// `not a valid duration string: "<text>"`, as Prometheus says it.
        public var description: String { "not a valid duration string: \"\(text)\"" }
    }

    /// The units in the order they must appear, with their length in milliseconds.
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000),
        ("s", 1000), ("ms", 1),
    ]

    /// Parses Prometheus' duration syntax (`model.ParseDuration`): integer amounts with units in
    /// descending order (`y w d h m s ms`), each at most once; `0` alone means zero.
    /// - Throws: ``ParseError`` when the text is not a Prometheus duration or does not fit in 64 bits
    ///   of milliseconds.
    public init(parsing text: String) throws(ParseError) {
        self.init(milliseconds: try Self.parseMilliseconds(text))
    }

    private static func parseMilliseconds(_ text: String) throws(ParseError) -> Int64 {
        if text == "0" { return 0 }
        var rest = Substring(text)
        var total: Int64 = 0
        var nextUnit = 0
        guard !rest.isEmpty else { throw ParseError(text: text) }
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let amount = Int64(digits) else { throw ParseError(text: text) }
            rest = rest.dropFirst(digits.count)
            guard let (index, unit) = matchUnit(in: rest, from: nextUnit) else { throw ParseError(text: text) }
            let (product, productOverflow) = amount.multipliedReportingOverflow(by: unit.milliseconds)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !productOverflow, !sumOverflow else { throw ParseError(text: text) }
            total = sum
            rest = rest.dropFirst(unit.suffix.count)
            nextUnit = index + 1
        }
        return total
    }

    /// Finds the unit at the start of `text`, only among units not yet used (descending order).
    private static func matchUnit(
        in text: Substring, from first: Int
    ) -> (Int, (suffix: String, milliseconds: Int64))? {
        // "ms" must win over "m" when both would match.
        let letters = text.prefix(while: { $0.isLetter })
        for index in first..<units.count where units[index].suffix == letters {
            return (index, units[index])
        }
        return nil
    }

    /// The span as Prometheus prints it (`model.Duration.String()`): `1h30m`, `5m`, `1m30s`, `250ms`,
    /// `0s`; negative spans get a leading `-`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds.magnitude
        var out = milliseconds < 0 ? "-" : ""
        for (suffix, unitMillis) in Self.units where rest >= unitMillis.magnitude {
            out += "\(rest / unitMillis.magnitude)\(suffix)"
            rest %= unitMillis.magnitude
        }
        return out
    }

    /// The span as Go prints a `time.Duration`: `1m0s`, `1h0m0s`, `0s`, `1.5s`, `500ms`.
    public var goDescription: String {
        if milliseconds == 0 { return "0s" }
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        if magnitude < 1000 { return sign + "\(magnitude)ms" }
        let hours = magnitude / 3_600_000
        let minutes = magnitude / 60_000 % 60
        let seconds = magnitude % 60_000
        var secondsText = String(seconds / 1000)
        if seconds % 1000 != 0 {
            var fraction = String(seconds % 1000)
            fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            secondsText += "." + fraction
        }
        if hours > 0 { return sign + "\(hours)h\(minutes)m\(secondsText)s" }
        if minutes > 0 { return sign + "\(minutes)m\(secondsText)s" }
        return sign + secondsText + "s"
    }
}
