/// Why a cron expression or a time zone was refused.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The part of the expression at fault: `minute`, `hour`, `day-of-month`, `month`, `day-of-week`, `fields`
    /// (their number), or `timezone`.
    public var field: String
    /// What is wrong, for a person: `61 is not in 0-59`.
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `minute field: 61 is not in 0-59` for one of the five fields, else the message alone.
    public var description: String {
        CronField.allCases.contains { $0.name == field } ? "\(field) field: \(message)" : message
    }
}
