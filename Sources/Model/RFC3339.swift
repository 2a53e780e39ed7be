import Foundation

/// Formats Unix times as RFC 3339 in UTC with milliseconds (`2026-11-25T21:50:52.123Z`), the form
/// Prometheus and Alertmanager use in their APIs.
public enum RFC3339 {
    /// Formats `time`, which must be a finite number of seconds since the epoch.
    public static func format(_ time: UnixTime) -> String {
        guard time.isFinite else { return "0001-01-01T00:00:00Z" }
        let millisTotal = Int64((time * 1000).rounded(.down))
        var seconds = time_t(millisTotal.floorDiv(1000))
        let millis = Int(millisTotal - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
            + "." + pad(millis, 3) + "Z"
    }

    /// Parses RFC 3339 timestamps such as `2026-11-25T21:50:52Z`, `…52.5+01:00`; nil when malformed.
    public static func parse(_ text: String) -> UnixTime? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int64 {
    fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
