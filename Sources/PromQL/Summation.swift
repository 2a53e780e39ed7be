import Model

/// One step of Kahan–Neumaier summation.
@inline(__always)
func kahanAdd(_ increment: Double, _ sum: inout Double, _ compensation: inout Double) {
    let total = sum + increment
    if sum.magnitude >= increment.magnitude {
        compensation += (sum - total) + increment
    } else {
        compensation += (increment - total) + sum
    }
    sum = total
}

/// The compensated sum of `values`, as `sum_over_time`.
func kahanSum(_ values: some Collection<Double>) -> Double {
    var sum = 0.0
    var compensation = 0.0
    for value in values { kahanAdd(value, &sum, &compensation) }
    return sum.isInfinite ? sum : sum + compensation
}

/// The mean of `values` computed incrementally, as `avg_over_time` in Prometheus 2.42.
func averageOverTime(_ values: some Collection<Double>) -> Double {
    var mean = 0.0
    var compensation = 0.0
    var count = 0.0
    for value in values {
        count += 1
        if mean.isInfinite {
            if value.isInfinite, (mean > 0) == (value > 0) { continue }
            if !value.isInfinite, !value.isNaN { continue }
        }
        kahanAdd(value / count - mean / count, &mean, &compensation)
    }
    return mean.isInfinite ? mean : mean + compensation
}

/// The least-squares line through the samples: its slope (per second) and its value at `interceptTime`
/// (the first sample's time when nil), as Prometheus' `linearRegression` for `deriv` and `predict_linear`.
func linearRegression(_ series: Points, interceptTime: Int64?) -> (slope: Double, intercept: Double) {
    let values = series.values
    let origin = interceptTime ?? series.timestamps[series.timestamps.startIndex]
    let initial = values[values.startIndex]
    if values.allSatisfy({ $0 == initial }) { return initial.isInfinite ? (.nan, .nan) : (0, initial) }
    var n = 0.0
    var (sumX, cX, sumY, cY, sumXY, cXY, sumX2, cX2) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    for (timestamp, value) in zip(series.timestamps, values) {
        n += 1
        let x = SampleTime.seconds(from: origin, to: timestamp)
        kahanAdd(x, &sumX, &cX)
        kahanAdd(value, &sumY, &cY)
        kahanAdd(x * value, &sumXY, &cXY)
        kahanAdd(x * x, &sumX2, &cX2)
    }
    sumX += cX
    sumY += cY
    sumXY += cXY
    sumX2 += cX2
    let covariance = sumXY - sumX * sumY / n
    let variance = sumX2 - sumX * sumX / n
    let slope = covariance / variance
    return (slope, sumY / n - slope * sumX / n)
}

/// The population variance of `values` with compensated sums, as `stdvar_over_time` in Prometheus 2.42.
func varianceOverTime(_ values: some Collection<Double>) -> Double {
    var count = 0.0
    var (mean, meanCompensation, aux, auxCompensation) = (0.0, 0.0, 0.0, 0.0)
    for value in values {
        count += 1
        let delta = value - (mean + meanCompensation)
        kahanAdd(delta / count, &mean, &meanCompensation)
        kahanAdd(delta * (value - (mean + meanCompensation)), &aux, &auxCompensation)
    }
    return (aux + auxCompensation) / count
}

/// Double exponential smoothing (`holt_winters`); nil for fewer than two samples.
/// - Throws: ``EvaluationError`` when a factor is not strictly between 0 and 1, worded as Prometheus.
func holtWinters(_ values: SampleValuesView, smoothing: Double, trend: Double) throws -> Double? {
    guard smoothing > 0, smoothing < 1 else {
        throw EvaluationError(
            "invalid smoothing factor. Expected: 0 < sf < 1, got: \(GoFloat.format(smoothing, verb: "f", precision: 6))"
        )
    }
    guard trend > 0, trend < 1 else {
        throw EvaluationError(
            "invalid trend factor. Expected: 0 < tf < 1, got: \(GoFloat.format(trend, verb: "f", precision: 6))")
    }
    guard values.count >= 2 else { return nil }
    let first = values.startIndex
    var (previous, smoothed) = (0.0, values[first])
    var slope = values[first + 1] - values[first]
    for index in (first + 1)..<values.endIndex {
        let x = smoothing * values[index]
        if index > first + 1 { slope = trend * (smoothed - previous) + (1 - trend) * slope }
        let y = (1 - smoothing) * (smoothed + slope)
        (previous, smoothed) = (smoothed, x + y)
    }
    return smoothed
}
