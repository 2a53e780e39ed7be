/// One of the five fields of a cron expression, with its range and the names it accepts.
public enum CronField: Int, Sendable, CaseIterable {
    case minute, hour, dayOfMonth, month, dayOfWeek

    /// The field's name in error messages, as crontab(5) calls it.
    public var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The values the field accepts; day-of-week takes 0-7, 0 and 7 both Sunday.
    var range: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// The three-letter names the field accepts (case-insensitive), the first for the lowest value.
    private var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// The set of values `text` selects, as a bit set (bit n for value n): lists (`1,15`), ranges (`1-5`,
    /// `MON-FRI`), steps (`*/15`, `0-30/10`, `5/20` = 5 to the end by 20), `*` and names.
    /// - Throws: ``CronError`` naming this field.
    func parse(_ text: Substring) throws(CronError) -> UInt64 {
        var bits: UInt64 = 0
        for term in text.split(separator: ",", omittingEmptySubsequences: false) {
            bits |= try parseTerm(term)
        }
        if self == .dayOfWeek, bits & (1 << 7) != 0 { bits = (bits & ~(1 << 7)) | 1 }
        return bits
    }

    private func parseTerm(_ term: Substring) throws(CronError) -> UInt64 {
        let parts = term.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var step = 1
        if parts.count == 2 {
            guard parts[1].utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(parts[1]), value > 0 else {
                throw error("step \"\(parts[1])\" must be a whole number above 0")
            }
            step = value
        }
        var bounds = try parseRange(parts[0])
        if parts.count == 2, bounds.lowerBound == bounds.upperBound, parts[0] != "*" {
            bounds = bounds.lowerBound...range.upperBound
        }
        var bits: UInt64 = 0
        for value in stride(from: bounds.lowerBound, through: bounds.upperBound, by: step) { bits |= 1 << value }
        return bits
    }

    private func parseRange(_ text: Substring) throws(CronError) -> ClosedRange<Int> {
        if text == "*" { return range }
        let ends = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let low = try value(ends[0])
        guard ends.count == 2 else { return low...low }
        let high = try value(ends[1])
        guard low <= high else { throw error("range \"\(text)\" runs backwards") }
        return low...high
    }

    private func value(_ text: Substring) throws(CronError) -> Int {
        if let index = names.firstIndex(of: text.uppercased()) { return range.lowerBound + index }
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), let number = Int(text) else {
            let named = names.isEmpty ? "" : " or a name (\(names[0])-\(names[names.count - 1]))"
            throw error("\"\(text)\" is not a number\(named)")
        }
        guard range.contains(number) else {
            throw error("\(number) is not in \(range.lowerBound)-\(range.upperBound)")
        }
        return number
    }

    private func error(_ message: String) -> CronError {
        CronError(field: name, message: message)
    }
}
