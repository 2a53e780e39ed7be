import AlertPipeline
import Fleet
import Model
import YAMLConfig

/// The `history:` section: how long the alert history keeps episodes (after they resolved) and notification
/// attempts, and how long agents' 5-minute activity buckets are kept.
///
/// ```yaml
/// history:
///   retention: 30d            # default 30d; at least 1h
///   activity_retention: 30d   # default 30d; at least 1h
/// ```
enum HistorySection {
    /// What the section sets.
    struct Retentions {
        var retention = AlertHistory.defaultRetention
        var activityRetention = FleetActivity.defaultRetention
    }

    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> Retentions {
        var retentions = Retentions()
        for (key, child) in try reader.mapping(allowed: ["retention", "activity_retention"]) {
            let value = try child.duration()
            guard value >= .hours(1) else { throw child.error("must be at least 1h") }
            if key == "retention" { retentions.retention = value } else { retentions.activityRetention = value }
        }
        return retentions
    }
}
