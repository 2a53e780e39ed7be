import PromQL

extension SampleHistory {
    /// Everything behind the lock.
    struct State {
        var retention: Retention
        var series: [Labels: SeriesHistory] = [:]
        /// Series of each metric name.
        var byName: [String: Set<Labels>] = [:]
        /// The series the last external snapshot held, to mark the vanished ones stale.
        var lastSnapshot: Set<Labels> = []
        var newest: Int64 = .min

        init(retention: Retention) {
            self.retention = retention
        }

        mutating func retain(_ new: Retention) {
            retention = new
            for (labels, var history) in series {
                guard let window = new.window(for: labels) else {
                    forget(labels)
                    continue
                }
                history.windowMillis = window
                series[labels] = history
            }
            lastSnapshot = lastSnapshot.filter { series[$0] != nil }
            trim()
        }

        private mutating func forget(_ labels: Labels) {
            series[labels] = nil
            byName[labels.metricName]?.remove(labels)
        }

        mutating func append(_ labels: Labels, timestamp: Int64, value: Double) {
            let name = labels.metricName
            guard retention.keeps(name) else { return }
            if series[labels] == nil {
                guard let window = retention.window(for: labels) else { return }
                byName[name, default: []].insert(labels)
                series[labels] = SeriesHistory(windowMillis: window)
            }
            series[labels]?.append(timestamp, value)
            if timestamp > newest {
                newest = timestamp
                trim()
            }
        }

        mutating func record(_ samples: [(labels: Labels, value: Double)], metricNames: Set<String>, at timestamp: Int64) {
            var present: Set<Labels> = []
            present.reserveCapacity(samples.count)
            for (labels, value) in samples where retention.keeps(labels.metricName) {
                append(labels, timestamp: timestamp, value: value)
                if series[labels] != nil { present.insert(labels) }
            }
            for labels in lastSnapshot where !present.contains(labels) && metricNames.contains(labels.metricName) {
                if let last = series[labels]?.lastValue, !isStaleMarker(last) {
                    append(labels, timestamp: timestamp, value: staleMarker)
                }
            }
            lastSnapshot = present
        }

        /// Drops samples older than each series' window, and series left with none.
        mutating func trim() {
            guard newest != .min else { return }
            for (labels, var history) in series {
                history.trim(olderThan: newest - history.windowMillis)
                if history.count == 0 {
                    series[labels] = nil
                    byName[labels.metricName]?.remove(labels)
                } else {
                    series[labels] = history
                }
            }
        }

        func select(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples] {
            let name = matchers.first { $0.name == metricNameLabel && $0.type == .equal }?.value
            let candidates: [Labels] = name.map { Array(byName[$0] ?? []) } ?? Array(series.keys)
            var result: [SeriesSamples] = []
            for labels in candidates where matchers.allSatisfy({ $0.matches(labels) }) {
                guard let history = series[labels], let (timestamps, values) = history.slice(from: from, through: through) else {
                    continue
                }
                result.append(SeriesSamples(labels: labels, timestamps: timestamps, values: values))
            }
            result.sort { $0.labels < $1.labels }
            return result
        }
    }
}
