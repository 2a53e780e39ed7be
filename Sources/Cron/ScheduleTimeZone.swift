import Foundation

/// A time zone of the system's tz database (`/usr/share/zoneinfo`), as cron schedules use it: the UTC offset
/// in force at an instant, and the instants a wall-clock reading stands for.
///
/// The name must be a zone the system's database holds (`Europe/Berlin`, `America/New_York`, `UTC`); its rules
/// are read through Foundation's `TimeZone`. Instants and wall-clock readings are whole seconds: Unix time, and
/// "local seconds" (seconds since 1970-01-01 00:00 of the wall clock).
public struct ScheduleTimeZone: Sendable, Equatable, CustomStringConvertible {
    /// The directory of the system's tz database.
    public static let systemDatabase = "/usr/share/zoneinfo"
    /// UTC, which needs no database.
    public static let utc = ScheduleTimeZone(identifier: "UTC", zone: TimeZone(secondsFromGMT: 0) ?? .gmt)

    /// The zone's name as given.
    public let identifier: String
    private let zone: TimeZone

    private init(identifier: String, zone: TimeZone) {
        self.identifier = identifier
        self.zone = zone
    }

    /// The zone named `identifier` in the tz database at `database`.
    /// - Throws: ``CronError`` on the field `timezone` when the name is malformed or the database has no such zone.
    public init(identifier: String, database: String = Self.systemDatabase) throws(CronError) {
        if identifier == "UTC" || identifier == "Etc/UTC" {
            self = Self.utc
            return
        }
        guard Self.isWellFormed(identifier), Self.databaseHolds(identifier, database: database),
            let zone = TimeZone(identifier: identifier)
        else {
            throw CronError(field: "timezone", message: "unknown time zone \"\(identifier)\" (not in \(database))")
        }
        self.init(identifier: identifier, zone: zone)
    }

    public var description: String { identifier }

    public static func == (lhs: ScheduleTimeZone, rhs: ScheduleTimeZone) -> Bool {
        lhs.identifier == rhs.identifier
    }

    /// A name of at most 64 bytes of `[A-Za-z0-9_+-/]`, with no empty or `..` component.
    private static func isWellFormed(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64 else { return false }
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_+-/".unicodeScalars.contains($0))
        }
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        return allowed && !components.contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    private static func databaseHolds(_ name: String, database: String) -> Bool {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: "\(database)/\(name)", isDirectory: &isDirectory)
        return exists && !isDirectory.boolValue
    }

    /// The offset from UTC in force at the Unix time `instant`, in seconds.
    public func offset(at instant: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
    }

    /// The wall-clock reading at `instant`, in local seconds.
    func local(_ instant: Int64) -> Int64 { instant + offset(at: instant) }

    /// The instants at which the wall clock reads `local`, earliest first: none in a spring-forward gap, two in
    /// the hour a fall-back repeats, else one. Assumes at most one change of offset within a day of it.
    func instants(forLocal local: Int64) -> [Int64] {
        let candidates = Set([offset(at: local - 86_400), offset(at: local + 86_400)]).map { local - $0 }
        return candidates.filter { self.local($0) == local }.sorted()
    }

    /// The first instant after `instant` at which the offset changes, nil when the zone has no more changes.
    func nextTransition(after instant: Int64) -> Int64? {
        if identifier == "UTC" { return nil }
        guard let date = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(instant)))
        else { return nil }
        return Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
