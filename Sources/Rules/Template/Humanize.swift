import Model

/// Prometheus' `humanize*` template functions, with its exact output.
enum Humanize {
    private static func g4(_ value: Double) -> String { GoFloat.format(value, verb: "g", precision: 4) }

    /// `humanize`: SI prefixes, 4 significant digits (`1234567` → `1.235M`, `0.001234` → `1.234m`).
    static func metric(_ input: Double) -> String {
        var value = input
        if value == 0 || value.isNaN || value.isInfinite { return g4(value) }
        var prefix = ""
        if abs(value) >= 1 {
            for next in ["k", "M", "G", "T", "P", "E", "Z", "Y"] where abs(value) >= 1000 {
                prefix = next
                value /= 1000
            }
            return g4(value) + prefix
        }
        for next in ["m", "u", "n", "p", "f", "a", "z", "y"] where abs(value) < 1 {
            prefix = next
            value *= 1000
        }
        return g4(value) + prefix
    }

    /// `humanize1024`: binary prefixes (`1234567` → `1.177Mi`).
    static func binary(_ input: Double) -> String {
        var value = input
        if abs(value) <= 1 || value.isNaN || value.isInfinite { return g4(value) }
        var prefix = ""
        for next in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] where abs(value) >= 1024 {
            prefix = next
            value /= 1024
        }
        return g4(value) + prefix
    }

    /// `humanizeDuration`: seconds as `1d 2h 3m 4s`, `1m 30s`, `1.5s`, `500ms`.
    static func duration(_ input: Double) -> String {
        var value = input
        if value.isNaN || value.isInfinite { return g4(value) }
        if value == 0 { return g4(value) + "s" }
        if abs(value) >= 1 {
            let sign = value < 0 ? "-" : ""
            value = abs(value)
            let total = goInt64(value)
            let (days, hours, minutes, seconds) = (total / 86_400, total / 3600 % 24, total / 60 % 60, total % 60)
            if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(seconds)s" }
            if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(seconds)s" }
            if minutes != 0 { return "\(sign)\(minutes)m \(seconds)s" }
            return sign + g4(value) + "s"
        }
        var prefix = ""
        for next in ["m", "u", "n", "p", "f", "a", "z", "y"] where abs(value) < 1 {
            prefix = next
            value *= 1000
        }
        return g4(value) + prefix + "s"
    }

    /// `humanizeTimestamp`: Unix seconds as Go prints a UTC time (`1970-01-01 00:01:30 +0000 UTC`),
    /// at millisecond precision.
    static func timestamp(_ seconds: Double) throws(TemplateFunctionError) -> String {
        if seconds.isNaN || seconds.isInfinite { return g4(seconds) }
        guard let time = Timestamp(floatSecondsViaNanoseconds: seconds) else {
            throw .failed(
                "\(GoFloat.shortest(seconds)) cannot be represented as a nanoseconds timestamp since it overflows int64"
            )
        }
        return goTimeString(time)
    }

    /// Go's `time.Time.String()` for a UTC time.
    static func goTimeString(_ time: Timestamp) -> String {
        let utc = time.utc
        var text =
            "\(utc.year)-\(two(utc.month))-\(two(utc.day)) "
            + "\(two(utc.hour)):\(two(utc.minute)):\(two(utc.second))"
        if utc.millisecond != 0 {
            var digits = String(utc.millisecond)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + " +0000 UTC"
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
