/// The calendar functions: a field of the UTC date of each value (Unix seconds), or of the evaluation time
/// when called without an argument.
enum DateFunction: String, CaseIterable {
    case year, month, hour, minute
    case dayOfMonth = "day_of_month", dayOfYear = "day_of_year", dayOfWeek = "day_of_week"
    case daysInMonth = "days_in_month"

    /// The field for `seconds` since the epoch (whole seconds, as Go's `time.Unix(int64(v), 0)`).
    ///
    /// Go on amd64 (Prometheus' reference platform) turns NaN, ±Inf and values outside int64 into the least
    /// int64, whose date its time package computes with a wrapped offset: those values give that date's
    /// fields, as promtool 2.42 prints them.
    func apply(seconds value: Double) -> Double {
        guard value.isFinite, value >= -9.223_372_036_854_775_808e18, value < 9.223_372_036_854_775_808e18 else {
            return leastInt64Field
        }
        return field(of: CivilDate(unixSeconds: Int64(value)))
    }

    /// The field Go computes for `time.Unix(math.MinInt64, 0).UTC()`: 292277026596-12-04 15:30:08, a Sunday.
    private var leastInt64Field: Double {
        switch self {
        case .year: 292_277_026_596
        case .month: 12
        case .hour: 15
        case .minute: 30
        case .dayOfMonth: 4
        case .dayOfYear: 339
        case .dayOfWeek: 0
        case .daysInMonth: 31
        }
    }

    /// The field for the evaluation time `milliseconds` (truncated to whole seconds, as Prometheus does).
    func apply(milliseconds: Int64) -> Double { field(of: CivilDate(unixSeconds: milliseconds / 1000)) }

    private func field(of date: CivilDate) -> Double {
        switch self {
        case .year: Double(date.year)
        case .month: Double(date.month)
        case .hour: Double(date.secondOfDay / 3600)
        case .minute: Double(date.secondOfDay / 60 % 60)
        case .dayOfMonth: Double(date.day)
        case .dayOfYear: Double(date.dayOfYear)
        case .dayOfWeek: Double(date.weekday)
        case .daysInMonth: Double(date.daysInMonth)
        }
    }
}

/// A proleptic Gregorian UTC date and time of day.
struct CivilDate {
    var year: Int64
    var month: Int64
    var day: Int64
    var secondOfDay: Int64
    /// 0 for Sunday.
    var weekday: Int64

    init(unixSeconds: Int64) {
        let days = floorDivide(unixSeconds, 86_400)
        secondOfDay = unixSeconds - days * 86_400
        weekday = (days % 7 + 11) % 7  // 1970-01-01 was a Thursday.
        // Howard Hinnant's days-to-civil algorithm.
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYearFromMarch = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYearFromMarch + 2) / 153
        day = dayOfYearFromMarch - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    var isLeapYear: Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    var daysInMonth: Int64 {
        switch month {
        case 2: isLeapYear ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// 1 for January 1st.
    var dayOfYear: Int64 {
        let before: [Int64] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
        return before[Int(month - 1)] + day + (month > 2 && isLeapYear ? 1 : 0)
    }
}

/// Division rounding towards negative infinity.
private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}
