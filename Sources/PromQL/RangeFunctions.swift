import Model

/// The functions that take a range vector.
enum RangeFunction: String {
    case rate, irate, increase, delta, idelta, deriv, changes, resets
    case avgOverTime = "avg_over_time", minOverTime = "min_over_time", maxOverTime = "max_over_time"
    case sumOverTime = "sum_over_time", countOverTime = "count_over_time", lastOverTime = "last_over_time"
    case stddevOverTime = "stddev_over_time", stdvarOverTime = "stdvar_over_time"
    case quantileOverTime = "quantile_over_time", presentOverTime = "present_over_time"
    case predictLinear = "predict_linear", holtWinters = "holt_winters"
    case absentOverTime = "absent_over_time"
}

/// The samples of one series inside a window, without labels, while ``withPoints(of:_:)`` runs: both
/// indexed from 0, read in place.
struct Points {
    var timestamps: UnsafeBufferPointer<Int64>
    var values: SampleValuesView
}

/// Calls `body` with the samples of `series` as ``Points``, which read its arrays in place without reference
/// counting (through a pointer: a method of the series itself would copy it, retaining its labels and arrays).
func withPoints<Result>(of series: UnsafePointer<SeriesSamples>, _ body: (Points) throws -> Result) rethrows -> Result {
    try series.pointee.timestamps.withUnsafeBufferPointer { timestamps in
        try series.pointee.values.withView { values in try body(Points(timestamps: timestamps, values: values)) }
    }
}

/// The window a range function looks at.
struct RangeWindow {
    /// Start of the range (inclusive), ms.
    var start: Int64
    /// End of the range (inclusive), ms.
    var end: Int64

    var seconds: Double { SampleTime.seconds(from: start, to: end) }
}

/// A range-vector argument evaluated: each series with its points in the window, and the window.
struct RangeArgument {
    var series: [SeriesSamples]
    var window: RangeWindow
    /// Whether every series has the same metric name (then dropping it cannot make two results equal).
    var hasSingleName: Bool
}

extension EvaluationContext {
    func evalRangeFunction(_ function: RangeFunction, _ node: Call) throws -> Vector {
        let position = node.function.argTypes.firstIndex(of: .matrix) ?? 0
        let parameters = try node.args.indices.filter { $0 != position }.map { try evalScalar(node.args[$0]) }
        let argument = try evalRangeArgument(node.args[position], function: function)
        if function == .absentOverTime {
            return argument.series.isEmpty ? [absentSample(node.args[position])] : []
        }
        var result: Vector = []
        result.reserveCapacity(argument.series.count)
        // The series are read in place: iterating by value would copy (retain and release) each one's labels and
        // arrays once more.
        try argument.series.withUnsafeBufferPointer { series in
            guard let first = series.baseAddress else { return }
            for index in series.indices {
                guard !series[index].timestamps.isEmpty,
                    let value = try withPoints(
                        of: first + index, { try apply(function, $0, argument.window, parameters: parameters) })
                else { continue }
                result.append(
                    Sample(
                        labels: function == .lastOverTime
                            ? series[index].labels : series[index].labels.droppingMetricName(),
                        value: value, timestamp: time))
            }
        }
        if function != .lastOverTime, !argument.hasSingleName {
            try ensureUniqueAfterDroppingNames(result, inputNames: argument.series.lazy.map(\.labels))
        }
        return result
    }

    /// The series of a range selector or subquery, each cut to its window without stale markers.
    private func evalRangeArgument(_ expr: Expr, function: RangeFunction) throws -> RangeArgument {
        switch expr.unparenthesized {
        case .matrixSelector(let selector):
            let series = selectMatrix(selector)
            let window = window(of: selector)
            let singleName = selector.selector.matchers.contains { $0.name == metricNameLabel && $0.type == .equal }
            return RangeArgument(series: series, window: window, hasSingleName: singleName)
        case .subquery(let subquery):
            let (series, window) = try evalSubquery(subquery)
            return RangeArgument(series: series, window: window, hasSingleName: false)
        default:
            throw EvaluationError("expected range vector selector in call to function \"\(function.rawValue)\"")
        }
    }

    private func apply(_ function: RangeFunction, _ series: Points, _ window: RangeWindow, parameters: [Double])
        throws -> Double?
    {
        let values = series.values
        switch function {
        case .rate: return extrapolatedRate(series, window, isCounter: true, isRate: true)
        case .increase: return extrapolatedRate(series, window, isCounter: true, isRate: false)
        case .delta: return extrapolatedRate(series, window, isCounter: false, isRate: false)
        case .irate: return instantValue(series, isRate: true)
        case .idelta: return instantValue(series, isRate: false)
        case .deriv: return values.count < 2 ? nil : linearRegression(series, interceptTime: nil).slope
        case .predictLinear:
            guard values.count >= 2 else { return nil }
            let (slope, intercept) = linearRegression(series, interceptTime: time)
            return slope * parameters[0] + intercept
        case .holtWinters: return try holtWinters(values, smoothing: parameters[0], trend: parameters[1])
        case .changes: return countChanges(values)
        case .resets: return countResets(values)
        case .avgOverTime: return averageOverTime(values)
        case .minOverTime: return values.dropFirst().reduce(values[values.startIndex]) { $0 > $1 || $0.isNaN ? $1 : $0 }
        case .maxOverTime: return values.dropFirst().reduce(values[values.startIndex]) { $0 < $1 || $0.isNaN ? $1 : $0 }
        case .sumOverTime: return kahanSum(values)
        case .countOverTime: return Double(values.count)
        case .lastOverTime: return values.last
        case .stddevOverTime: return varianceOverTime(values).squareRoot()
        case .stdvarOverTime: return varianceOverTime(values)
        case .quantileOverTime: return quantile(parameters[0], Array(values))
        case .presentOverTime: return 1
        case .absentOverTime: return nil
        }
    }
}

/// `rate`, `increase`, `delta`: the change over the window, extrapolated to its edges like Prometheus 2.42.
func extrapolatedRate(_ series: Points, _ window: RangeWindow, isCounter: Bool, isRate: Bool) -> Double? {
    let values = series.values
    let stamps = series.timestamps
    guard values.count >= 2, let first = values.first, let last = values.last,
        let firstTime = stamps.first, let lastTime = stamps.last
    else { return nil }
    var result = last - first
    if isCounter {
        var previous = 0.0
        for value in values {
            if value < previous { result += previous }
            previous = value
        }
    }
    var durationToStart = SampleTime.seconds(from: window.start, to: firstTime)
    let durationToEnd = SampleTime.seconds(from: lastTime, to: window.end)
    let sampledInterval = SampleTime.seconds(from: firstTime, to: lastTime)
    let averageSpacing = sampledInterval / Double(values.count - 1)
    if isCounter, result > 0, first >= 0 {
        let durationToZero = sampledInterval * (first / result)
        if durationToZero < durationToStart { durationToStart = durationToZero }
    }
    let threshold = averageSpacing * 1.1
    var extrapolated = sampledInterval
    extrapolated += durationToStart < threshold ? durationToStart : averageSpacing / 2
    extrapolated += durationToEnd < threshold ? durationToEnd : averageSpacing / 2
    // Prometheus 2.42 folds the range into the factor first; the rounding differs from dividing the result.
    var factor = extrapolated / sampledInterval
    if isRate { factor /= window.seconds }
    return result * factor
}

/// `irate`/`idelta`: from the last two samples; `irate` treats a decrease as a counter reset.
func instantValue(_ series: Points, isRate: Bool) -> Double? {
    guard series.values.count >= 2 else { return nil }
    let last = series.values[series.values.endIndex - 1]
    let previous = series.values[series.values.endIndex - 2]
    let lastTime = series.timestamps[series.timestamps.endIndex - 1]
    let previousTime = series.timestamps[series.timestamps.endIndex - 2]
    guard lastTime != previousTime else { return nil }
    let change = isRate && last < previous ? last : last - previous
    return isRate ? change / SampleTime.seconds(from: previousTime, to: lastTime) : change
}

func countChanges(_ values: SampleValuesView) -> Double {
    var changes = 0
    var previous = values[values.startIndex]
    for value in values.dropFirst() {
        if value != previous, !(value.isNaN && previous.isNaN) { changes += 1 }
        previous = value
    }
    return Double(changes)
}

func countResets(_ values: SampleValuesView) -> Double {
    var resets = 0
    var previous = values[values.startIndex]
    for value in values.dropFirst() {
        if value < previous { resets += 1 }
        previous = value
    }
    return Double(resets)
}
