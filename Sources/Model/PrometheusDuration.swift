/// Durations written the way Prometheus writes them: `90s`, `5m`, `1h30m`, `1d`, `2w`, `1y`, `500ms`.
///
/// Units must appear in descending order (`y w d h m s ms`), each at most once, with integer amounts,
/// exactly as Prometheus' `model.ParseDuration` accepts them. `0` alone means zero.
public enum PrometheusDuration {
    /// Why a duration string was refused.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text that was refused.
        public var text: String

        public init(text: String) {
            self.text = text
        }

        public var description: String { "not a valid duration string: \"\(text)\"" }
    }

    private static let units: [(suffix: String, seconds: Double)] = [
        ("y", 365 * 86_400), ("w", 7 * 86_400), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1), ("ms", 0.001),
    ]

    /// Parses `text` into seconds.
    /// - Throws: ``ParseError`` when the text is not a Prometheus duration.
    public static func parse(_ text: String) throws(ParseError) -> Double {
        if text == "0" { return 0 }
        var rest = Substring(text)
        var total = 0.0
        var nextUnit = 0
        guard !rest.isEmpty else { throw ParseError(text: text) }
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let amount = Double(digits) else { throw ParseError(text: text) }
            rest = rest.dropFirst(digits.count)
            guard let (index, unit) = matchUnit(in: rest, from: nextUnit) else { throw ParseError(text: text) }
            total += amount * unit.seconds
            rest = rest.dropFirst(unit.suffix.count)
            nextUnit = index + 1
        }
        return total
    }

    /// Finds the unit at the start of `text`, only among units not yet used (descending order).
    private static func matchUnit(in text: Substring, from first: Int) -> (Int, (suffix: String, seconds: Double))? {
        // "ms" must win over "m" when both would match.
        let letters = text.prefix(while: { $0.isLetter })
        for index in first..<units.count where units[index].suffix == letters {
            return (index, units[index])
        }
        return nil
    }

    /// Formats seconds as Prometheus does (`1h30m`, `5m`, `90s` → `1m30s`, `0s`).
    public static func format(_ seconds: Double) -> String {
        var millis = Int64((seconds * 1000).rounded())
        if millis == 0 { return "0s" }
        var out = millis < 0 ? "-" : ""
        millis = abs(millis)
        for (suffix, unitSeconds) in units {
            let unitMillis = Int64(unitSeconds * 1000)
            if millis >= unitMillis {
                out += "\(millis / unitMillis)\(suffix)"
                millis %= unitMillis
            }
        }
        return out
    }
}
