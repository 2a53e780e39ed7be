/// RFC 3339 in UTC, the forms Prometheus and Alertmanager write times in.
extension Timestamp {
    /// RFC 3339 in UTC with exactly three fraction digits: `2026-11-25T21:50:52.123Z`, `…52.000Z`.
    ///
    /// The form of Prometheus' API and of Alertmanager's API v2 (go-openapi `strfmt.DateTime`);
    /// ``goZero`` prints `0001-01-01T00:00:00.000Z`.
    public var rfc3339: String {
        let (date, millis) = dateTimeAndMillis()
        return date + "." + Self.pad(millis, 3) + "Z"
    }

    /// Go's `time.Time` JSON form in UTC: RFC 3339 with the fraction's trailing zeros dropped, so
    /// `2026-11-25T22:00:00Z`, `2026-11-25T22:01:00.25Z`; ``goZero`` prints `0001-01-01T00:00:00Z`.
    ///
    /// Alertmanager's webhook payload uses it.
    public var goRFC3339: String {
        let (date, millis) = dateTimeAndMillis()
        guard millis != 0 else { return date + "Z" }
        var fraction = Self.pad(millis, 3)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return date + "." + fraction + "Z"
    }

    /// Reads an RFC 3339 time such as `2026-11-25T21:50:52Z`, `…52.5+01:00` or `…52.123456789Z`; nil
    /// when malformed. Fractions finer than a millisecond are cut off.
    public init?(rfc3339 text: String) {
        var reader = RFC3339Reader(Array(text.utf8))
        guard let millis = reader.read() else { return nil }
        self.init(milliseconds: millis)
    }

    /// The calendar date and time of day in UTC (proleptic Gregorian calendar).
    public var utc: (year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) {
        let seconds = wholeSeconds
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = CivilDate.from(daysSinceEpoch: days)
        return (
            year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60,
            Int(milliseconds - seconds * 1000)
        )
    }

    /// `YYYY-MM-DDTHH:MM:SS` of the time in UTC, and the milliseconds within its second.
    private func dateTimeAndMillis() -> (String, Int) {
        let parts = utc
        let date = Self.pad(Int(parts.year), 4) + "-" + Self.pad(parts.month, 2) + "-" + Self.pad(parts.day, 2)
        let time = Self.pad(parts.hour, 2) + ":" + Self.pad(parts.minute, 2) + ":" + Self.pad(parts.second, 2)
        return (date + "T" + time, parts.millisecond)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// The proleptic Gregorian calendar (Howard Hinnant's `civil_from_days` / `days_from_civil`).
enum CivilDate {
    /// Year, month (1–12) and day (1–31) of the day `days` after 1970-01-01.
    static func from(daysSinceEpoch days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 1970-01-01 to `year`-`month`-`day`.
    static func daysSinceEpoch(year: Int64, month: Int, day: Int) -> Int64 {
        let year = month <= 2 ? year - 1 : year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Days in `month` of `year`.
    static func daysIn(month: Int, year: Int64) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`T` and `Z` in either case).
private struct RFC3339Reader {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func read() -> Int64? {
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("T", "t"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: Int64(year))).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        guard let millis = fractionMillis(), let offset = zoneOffsetSeconds(), index == bytes.count else { return nil }
        let days = CivilDate.daysSinceEpoch(year: Int64(year), month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offset
        return seconds * 1000 + millis
    }

    /// Milliseconds of an optional `.ddd…` fraction (digits past the third are ignored); nil for a
    /// point without digits.
    private mutating func fractionMillis() -> Int64? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return 0 }
        index += 1
        var millis: Int64 = 0
        var count = 0
        while index < bytes.count, let digit = digit(bytes[index]) {
            if count < 3 { millis = millis * 10 + Int64(digit) }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 3) { millis *= 10 }
        return millis
    }

    /// The zone's offset east of UTC in seconds; nil when missing or malformed.
    private mutating func zoneOffsetSeconds() -> Int64? {
        if expect("Z", "z") { return 0 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else {
            return nil
        }
        let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
        index += 1
        guard let hours = number(2), expect(":"), let minutes = number(2), hours < 24, minutes < 60 else {
            return nil
        }
        return sign * Int64(hours * 3600 + minutes * 60)
    }

    private mutating func number(_ width: Int) -> Int? {
        guard index + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + width] {
            guard let digit = digit(byte) else { return nil }
            value = value * 10 + digit
        }
        index += width
        return value
    }

    private mutating func expect(_ options: Character...) -> Bool {
        guard index < bytes.count, options.contains(where: { $0.asciiValue == bytes[index] }) else { return false }
        index += 1
        return true
    }

    private func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
