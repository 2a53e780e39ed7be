/// Durations printed as promtool prints them.
public enum PrometheusDurationText {
    /// `model.Duration.String()`: `2m`, `1h30m`, `0s`.
    public static func model(_ milliseconds: Int64) -> String {
        PrometheusDuration.format(Double(milliseconds) / 1000)
    }

    /// Go's `time.Duration.String()`: `1m0s`, `1h0m0s`, `0s`, `1.5s`, `500ms`.
    public static func go(_ milliseconds: Int64) -> String {
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
