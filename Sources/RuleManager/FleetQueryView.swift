import Fleet
import Model
import Series

/// What the query API (`/api/v1/query`, `/api/v1/query_range`, `/api/v1/series`, …) reads: every series of the
/// fleet as it stands at ``now`` (one sample each, as a scrape at that moment would see them, the exporter's own
/// series that rules may read included), over the sample history the rule engine keeps.
///
/// The history holds only the series the loaded rules read, each only as far back as they read it
/// (``keptWindow(forName:)``); a query reaching further back would see too little, so the query API refuses it
/// rather than answer wrongly. A series in both is one series: its history up to ``now``, then the live sample.
///
/// Built per query by ``RuleEngine/queryView(at:)``; it is not updated afterwards.
public struct FleetQueryView: Queryable {
    /// The time of the live samples.
    public let now: Timestamp
    /// The fleet's series at ``now``.
    let live: SampleHistory
    /// The rule engine's history (shared, still written by the rule thread).
    let history: SampleHistory
    /// What the history keeps, read when the view was built.
    let retention: SampleHistory.Retention

    /// The matching series, history and live sample merged, sorted by labels.
    public func select(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples] {
        let current = live.select(matchers, from: from, through: through)
        let kept = history.select(matchers, from: from, through: through)
        return Self.merge(kept: kept, current: current)
    }

    /// How far back the history keeps some series of metric `name`, nil when it keeps none (then only the live
    /// sample at ``now`` exists).
    public func keptWindow(forName name: String) -> PrometheusDuration? {
        retention.window(forName: name)
    }

    /// Merges two lists sorted by labels; for a series in both, the kept samples before the first current one,
    /// then the current ones.
    static func merge(kept: [SeriesSamples], current: [SeriesSamples]) -> [SeriesSamples] {
        if kept.isEmpty { return current }
        if current.isEmpty { return kept }
        var merged: [SeriesSamples] = []
        merged.reserveCapacity(max(kept.count, current.count))
        var keptIndex = 0
        var currentIndex = 0
        while keptIndex < kept.count, currentIndex < current.count {
            let old = kept[keptIndex]
            let new = current[currentIndex]
            if old.labels < new.labels {
                merged.append(old)
                keptIndex += 1
            } else if new.labels < old.labels {
                merged.append(new)
                currentIndex += 1
            } else {
                merged.append(join(old, new))
                keptIndex += 1
                currentIndex += 1
            }
        }
        merged.append(contentsOf: kept[keptIndex...])
        merged.append(contentsOf: current[currentIndex...])
        return merged
    }

    private static func join(_ old: SeriesSamples, _ new: SeriesSamples) -> SeriesSamples {
        let first = new.timestamps.first ?? Int64.max
        var timestamps: [Int64] = []
        var values: [Double] = []
        for (time, value) in zip(old.timestamps, old.values) where time < first {
            timestamps.append(time)
            values.append(value)
        }
        timestamps.append(contentsOf: new.timestamps)
        values.append(contentsOf: new.values)
        return SeriesSamples(labels: new.labels, timestamps: timestamps[...], values: values[...])
    }
}

extension RuleEngine {
    /// The fleet's series at `now` over the history the rules keep, for one query (see ``FleetQueryView``).
    ///
    /// Each call builds the live series afresh (labels included), so it costs about what sampling the whole fleet
    /// once costs; call it once per query, not per step.
    public func queryView(at now: Timestamp) -> FleetQueryView {
        let live = SampleHistory(retention: .init(metricNames: nil, window: .minutes(5)))
        FleetSampler().sample(
            registry.snapshot(), at: now, policy: registry.currentConfiguration.policy,
            names: FleetSampler.seriesNames, into: live)
        for source in exporterSeries {
            for series in source.series {
                live.append(series.labels, timestamp: now.milliseconds, value: series.value)
            }
        }
        return FleetQueryView(now: now, live: live, history: history, retention: history.retention)
    }
}
