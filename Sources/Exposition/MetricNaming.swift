import Model

/// Prometheus' rules for metric and label names (the classic, pre-UTF-8 character sets).
///
/// Use these to validate names that come from users (heartbeat labels, config); names written in
/// code are assumed valid and are not checked on the hot path.
public enum MetricNaming {
    /// Whether `name` matches `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isValidMetricName(_ name: String) -> Bool {
        isValid(name, allowingColon: true)
    }

    /// Whether `name` matches `[a-zA-Z_][a-zA-Z0-9_]*`.
    ///
    /// Names starting with `__` pass this check but are reserved; see ``isReservedLabelName(_:)``.
    public static func isValidLabelName(_ name: String) -> Bool {
        isValid(name, allowingColon: false)
    }

    /// Whether `name` starts with `__`, which Prometheus reserves for its own use.
    public static func isReservedLabelName(_ name: String) -> Bool {
        name.utf8.starts(with: "__".utf8)
    }

    private static func isValid(_ name: String, allowingColon: Bool) -> Bool {
        guard !name.isEmpty else { return false }
        for (position, byte) in name.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9") where position > 0:
                continue
            case UInt8(ascii: ":") where allowingColon:
                continue
            default:
                return false
            }
        }
        return true
    }
}
