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

/// The slope of the least-squares line through the samples (per second), as `deriv`.
func linearRegressionSlope(_ series: Points) -> Double {
    let values = series.values
    let interceptTime = series.timestamps[series.timestamps.startIndex]
    let initial = values[values.startIndex]
    if values.allSatisfy({ $0 == initial }) { return initial.isInfinite ? .nan : 0 }
    var n = 0.0
    var (sumX, cX, sumY, cY, sumXY, cXY, sumX2, cX2) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    for (timestamp, value) in zip(series.timestamps, values) {
        n += 1
        let x = SampleTime.seconds(from: interceptTime, to: timestamp)
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
    return covariance / variance
}
