/// A standard five-field cron expression (`minute hour day-of-month month day-of-week`), as crontab(5) reads
/// it: numbers, `*`, ranges, lists, steps, and the names `JAN`-`DEC` and `SUN`-`SAT` (any case).
///
/// Day-of-month and day-of-week combine as in Vixie and Debian cron: when either field starts with `*`, a day
/// must match both; otherwise it must match one of them (`0 0 1,15 * MON` runs on the 1st, the 15th and every
/// Monday). The macros of Vixie cron and healthchecks.io stand for their five fields (``macros``: `@yearly`,
/// `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`); `@reboot` is refused (it names no time,
/// so no run is ever due). Six fields (a seconds field) and Quartz's `L`, `W`, `#` and `?` are refused.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written (whitespace normalised to single spaces).
    public let text: String
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    /// Bit 0 is Sunday; a 7 in the text is folded into it.
    let daysOfWeek: UInt64
    /// True when a day must match both day fields (one of them starts with `*`).
    let daysMatchBoth: Bool
    /// True when neither the minute nor the hour field starts with `*`: the job runs at fixed wall-clock times,
    /// which cron moves or merges on daylight-saving nights (see ``CronSchedule``).
    public let isFixedTime: Bool

    /// The macros and the five fields each stands for, as crontab(5) lists them.
    public static let macros: KeyValuePairs<String, String> = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses `text`: five fields, or one of the ``macros`` (kept as written in ``text``).
    /// - Throws: ``CronError`` naming the field at fault (`fields` when there are not five, or for a macro that
    ///   is not one of the ``macros``).
    public init(parsing text: String) throws(CronError) {
        let trimmed = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        guard trimmed.hasPrefix("@") else {
            try self.init(fields: text)
            return
        }
        let macro = trimmed.lowercased()
        if macro == "@reboot" {
            throw CronError(
                field: "fields",
                message: "@reboot names no time (it runs once when cron starts), so no run of it is ever due; "
                    + "give the schedule its job really follows, or an interval")
        }
        guard let fields = Self.macros.first(where: { $0.key == macro })?.value else {
            throw CronError(
                field: "fields",
                message: "unknown macro \"\(trimmed)\" (known: "
                    + Self.macros.map(\.key).joined(separator: ", ") + ", or five fields)")
        }
        try self.init(fields: fields, text: macro)
    }

    private init(fields text: String, text written: String? = nil) throws(CronError) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            throw CronError(
                field: "fields",
                message: "a cron expression has 5 fields (minute hour day-of-month month day-of-week), got "
                    + "\(fields.count)")
        }
        self.text = written ?? fields.joined(separator: " ")
        minutes = try CronField.minute.parse(fields[0])
        hours = try CronField.hour.parse(fields[1])
        daysOfMonth = try CronField.dayOfMonth.parse(fields[2])
        months = try CronField.month.parse(fields[3])
        daysOfWeek = try CronField.dayOfWeek.parse(fields[4])
        daysMatchBoth = fields[2].hasPrefix("*") || fields[4].hasPrefix("*")
        isFixedTime = !fields[0].hasPrefix("*") && !fields[1].hasPrefix("*")
        try checkSomeDayExists()
    }

    public var description: String { text }

    /// Refuses a day of month no selected month has (`0 0 30 2 *`), which would never run.
    private func checkSomeDayExists() throws(CronError) {
        guard daysMatchBoth else { return }
        let longest = (1...12).filter { months & (1 << $0) != 0 }.map { CivilDate.maximumDays(inMonth: $0) }.max()
        let first = (1...31).first { daysOfMonth & (1 << $0) != 0 }
        if let longest, let first, first > longest {
            throw CronError(field: CronField.dayOfMonth.name, message: "no selected month has a day \(first)")
        }
    }

    /// Whether the expression selects `date` (its month and one or both day fields).
    func matchesDay(_ date: CivilDate) -> Bool {
        guard months & (1 << date.month) != 0 else { return false }
        let dayOfMonth = daysOfMonth & (1 << date.day) != 0
        let dayOfWeek = daysOfWeek & (1 << date.weekday) != 0
        return daysMatchBoth ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek
    }

    /// The first minute at or after `start` whose wall-clock reading matches, in local seconds (seconds since
    /// 1970-01-01 00:00 of the wall clock, no zone), and before `limit` when one is given.
    ///
    /// Looks at most 50 years ahead, as healthchecks' cronsim does; nil when nothing matches.
    func firstMatch(atOrAfter start: Int64, before limit: Int64? = nil) -> Int64? {
        var cursor = CivilDate.floorDivide(start + 59, 60) * 60
        let end = cursor + 50 * 366 * 86_400
        while cursor < (limit ?? end), cursor < end {
            let day = CivilDate.floorDivide(cursor, 86_400)
            let date = CivilDate(daysSinceEpoch: day)
            guard matchesDay(date) else {
                cursor = months & (1 << date.month) == 0 ? date.firstOfNextMonth * 86_400 : (day + 1) * 86_400
                continue
            }
            let secondOfDay = cursor - day * 86_400
            if let time = firstTime(atOrAfter: Int(secondOfDay / 60)) {
                let found = day * 86_400 + Int64(time) * 60
                return found < (limit ?? end) ? found : nil
            }
            cursor = (day + 1) * 86_400
        }
        return nil
    }

    /// The first minute of the day (0-1439) at or after `minuteOfDay` that the hour and minute fields select.
    private func firstTime(atOrAfter minuteOfDay: Int) -> Int? {
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        while hour < 24 {
            if hours & (1 << hour) != 0, let match = (minute..<60).first(where: { minutes & (1 << $0) != 0 }) {
                return hour * 60 + match
            }
            hour += 1
            minute = 0
        }
        return nil
    }
}
