import PromQL
#if canImport(Glibc)
    import Glibc
    import Model
#endif

// Benchmark of the PromQL evaluator: 10,000 series per metric, 60 samples each (one every 5 s, so the
// whole history lies inside a 5m window), evaluated at the time of the last sample.

let seriesCount = 10_000
let samplesPerSeries = 60
let stepMilliseconds: Int64 = 5_000
let agents = 1_000
let bucketBounds = ["0.005", "0.01", "0.05", "0.1", "0.5", "1", "5", "10", "30", "+Inf"]
let evaluationTime = Timestamp(milliseconds: Int64(samplesPerSeries - 1) * stepMilliseconds)

/// Fills the storage: counters `x`, histogram buckets `x_bucket`, gauges `last_seen`.
func makeStorage() -> MemoryStorage {
    var storage = MemoryStorage()
    for index in 0..<seriesCount {
        let agent = "agent-\(index % agents)"
        let counter = Labels(["__name__": "x", "agent": agent, "instance": "i\(index / agents)"])
        let bucket = Labels(["__name__": "x_bucket", "agent": agent, "le": bucketBounds[index / agents]])
        let lastSeen = Labels(["__name__": "last_seen", "agent": agent, "instance": "i\(index / agents)"])
        for sample in 0..<samplesPerSeries {
            let time = Int64(sample) * stepMilliseconds
            storage.append(counter, timestamp: time, value: Double(sample * (index % 7 + 1)))
            storage.append(bucket, timestamp: time, value: Double(sample * (index / agents + 1)))
            storage.append(lastSeen, timestamp: time, value: Double(time / 1000 - Int64(index % 200)))
        }
    }
    return storage
}

struct Query {
    let text: String
    /// Samples the query reads (for ns per sample).
    let samplesRead: Int
}

let queries = [
    Query(text: "rate(x[5m])", samplesRead: seriesCount * samplesPerSeries),
    Query(text: "sum by (agent) (rate(x[5m]))", samplesRead: seriesCount * samplesPerSeries),
    Query(
        text: "histogram_quantile(0.95, sum by (le, agent) (rate(x_bucket[5m])))",
        samplesRead: seriesCount * samplesPerSeries),
    Query(text: "time() - last_seen > 90", samplesRead: seriesCount),
    // The subquery evaluates rate(x[1m]) at 0s, 30s, … 270s (the multiples of 30s in [295s - 5m, 295s]):
    // 1 sample in the window at 0s, 7 at 30s, 13 at each of the 8 others, so 112 samples per series.
    Query(text: "max_over_time(rate(x[1m])[5m:30s])", samplesRead: seriesCount * 112),
    Query(text: "predict_linear(x[5m], 3600)", samplesRead: seriesCount * samplesPerSeries),
    Query(text: "quantile_over_time(0.9, x[5m])", samplesRead: seriesCount * samplesPerSeries),
]

let clock = ContinuousClock()
let loadStart = clock.now
let storage = makeStorage()
print("loaded \(storage.seriesCount) series × \(samplesPerSeries) samples in \(clock.now - loadStart)")
let evaluator = Evaluator(storage: storage)
let iterations = 20

// `promql-bench profile N [COUNT]`: evaluate query N COUNT times (default 300) and nothing else, for perf
// and for counting allocations (compare COUNT against 0).
let arguments = CommandLine.arguments
if arguments.count >= 3, arguments[1] == "profile", let index = Int(arguments[2]), queries.indices.contains(index) {
    let count = arguments.count > 3 ? Int(arguments[3]) ?? 300 : 300
    let expr = try Parser.parse(queries[index].text)
    for _ in 0..<count { _ = try evaluator.evaluate(expr, at: evaluationTime) }
    exit(0)
}

for query in queries {
    let expr = try Parser.parse(query.text)
    var resultSize = 0
    var durations: [Duration] = []
    for iteration in 0...iterations {
        let start = clock.now
        let value = try evaluator.evaluate(expr, at: evaluationTime)
        let elapsed = clock.now - start
        if iteration > 0 { durations.append(elapsed) }  // iteration 0 warms up
        if case .vector(let vector) = value { resultSize = vector.count }
    }
    let median = durations.sorted()[durations.count / 2]
    let nanoseconds = Double(median.components.seconds) * 1e9 + Double(median.components.attoseconds) / 1e9
    let perSample = nanoseconds / Double(query.samplesRead)
    let milliseconds = nanoseconds / 1e6
    print(
        "\(query.text)\n  median \(formatted(milliseconds)) ms per evaluation, "
            + "\(formatted(perSample)) ns per sample read "
            + "(\(query.samplesRead) samples, \(resultSize) result series)")
}

func formatted(_ value: Double) -> String {
    let scaled = (value * 100).rounded() / 100
    return "\(scaled)"
}
