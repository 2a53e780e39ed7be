import Model
import PromQL
import Testing

/// Range queries (``Evaluator/evaluateRange(_:start:end:step:)``), `@ start()`/`@ end()`, and subqueries
/// without a step, over `EvaluatorTests.storage()` (`req{job="a"}` grows by 60 a minute, `req{job="b"}` by 120,
/// samples every minute from 0 to 10m).
struct RangeQueryTests {
    let evaluator = Evaluator(storage: EvaluatorTests.storage())

    func seconds(_ value: Int64) -> Timestamp { Timestamp(milliseconds: value * 1000) }

    @Test func rangeQueryGivesOneSeriesPerLabelSetWithAPointPerStep() throws {
        let matrix = try evaluator.rangeQuery("req * 2", start: seconds(120), end: seconds(600), step: .minutes(4))
        #expect(matrix.map(\.labels) == [Labels(["job": "a"]), Labels(["job": "b"])])
        #expect(Array(matrix[0].timestamps) == [120_000, 360_000, 600_000])
        #expect(Array(matrix[0].values) == [240, 720, 1200])
        #expect(Array(matrix[1].values) == [480, 1440, 2400])
    }

    @Test func seriesAppearOnlyAtTheStepsWhereTheyHaveAValue() throws {
        let matrix = try evaluator.rangeQuery(
            "req{job=\"a\"} > 300", start: seconds(0), end: seconds(600), step: .minutes(5))
        #expect(matrix.count == 1)
        #expect(Array(matrix[0].timestamps) == [600_000])
    }

    @Test func scalarGivesOneSeriesWithoutLabels() throws {
        let matrix = try evaluator.rangeQuery("time()", start: seconds(60), end: seconds(180), step: .minutes(1))
        #expect(matrix.count == 1 && matrix[0].labels == .empty)
        #expect(Array(matrix[0].values) == [60, 120, 180])
    }

    @Test func atStartAndEndAreTheRangeBoundsInARangeQueryAndTheTimeInAnInstantQuery() throws {
        let start = try evaluator.rangeQuery(
            "req{job=\"a\"} @ start()", start: seconds(120), end: seconds(480), step: .minutes(3))
        let end = try evaluator.rangeQuery(
            "req{job=\"a\"} @ end()", start: seconds(120), end: seconds(480), step: .minutes(3))
        #expect(Array(start[0].values) == [120, 120, 120])
        #expect(Array(end[0].values) == [480, 480, 480])
        guard case .vector(let instant) = try evaluator.query("req{job=\"a\"} @ end() offset 1m", at: seconds(300))
        else { throw EvaluationError("expected a vector") }
        #expect(instant.map(\.value) == [240])
    }

    @Test func subqueryWithoutStepUsesTheEvaluatorsDefaultStep() throws {
        let query = "count_over_time(req{job=\"a\"}[5m:])"
        guard case .vector(let everyMinute) = try evaluator.query(query, at: seconds(600)),
            case .vector(let everyTwo) = try Evaluator(
                storage: EvaluatorTests.storage(), defaultSubqueryStep: .minutes(2)
            ).query(query, at: seconds(600))
        else { throw EvaluationError("expected vectors") }
        #expect(everyMinute.map(\.value) == [6])  // 5m, 6m, … 10m
        #expect(everyTwo.map(\.value) == [3])  // 6m, 8m, 10m
    }

    @Test(
        "range queries refuse what Prometheus refuses",
        arguments: [
            (
                "req[5m]", 60, 120, 60,
                "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector"
            ),
            ("req", 60, 120, 0, "zero or negative query resolution step widths are not accepted"),
            ("req", 120, 60, 60, "end timestamp must not be before start time"),
        ])
    func refused(query: String, start: Int64, end: Int64, step: Int64, message: String) {
        #expect(throws: EvaluationError(message)) {
            try evaluator.rangeQuery(query, start: seconds(start), end: seconds(end), step: .seconds(Int(step)))
        }
    }

    /// A subquery of too fine a step is refused before it runs; nested subqueries, whose steps multiply,
    /// are stopped by the query timeout (Prometheus' wording).
    @Test func subqueriesOfTooManyStepsAreRefusedNotRun() throws {
        let refusal = EvaluationError(
            "subquery [2h:1ms] would take the query past 5000000 evaluation steps (subqueries and range query steps "
                + "together); use a coarser step or a shorter range")
        #expect(throws: refusal) { try evaluator.query("max_over_time(req[2h:1ms])", at: seconds(600)) }
        let impatient = Evaluator(storage: EvaluatorTests.storage(), timeout: .milliseconds(50))
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: EvaluationError("query timed out in expression evaluation")) {
            try impatient.query("max_over_time(max_over_time(req[30m:1s])[30m:1s])", at: seconds(600))
        }
        #expect(clock.now - start < .seconds(10))
    }
}

/// Range queries compared with a real Prometheus 2.42 server's `/api/v1/query_range` over the same samples
/// (`c_total{k="x"}` = 2 × seconds since 1700000000, every 15 s for 10 minutes), from 1700000060 to
/// 1700000400 with a 70 s step: steps at 60, 130, 200, 270 and 340 s, `end()` the requested end, 400 s.
struct PrometheusRangeQueryTests {
    static let base: Int64 = 1_700_000_000

    static let storage: MemoryStorage = {
        var storage = MemoryStorage()
        for seconds in stride(from: Int64(0), through: 600, by: 15) {
            storage.append(
                Labels(["__name__": "c_total", "k": "x"]), timestamp: (base + seconds) * 1000,
                value: Double(seconds * 2))
        }
        return storage
    }()

    static let cases: [(query: String, values: [Double])] = [
        ("c_total @ start()", [120, 120, 120, 120, 120]),
        ("c_total @ end() offset 1m", [660, 660, 660, 660, 660]),
        ("rate(c_total[1m] @ start())", [2, 2, 2, 2, 2]),
        (
            "max_over_time(rate(c_total[1m])[2m:30s])",
            [1.3333333333333333, 1.9999999999999998, 1.9999999999999998, 1.9999999999999998, 1.9999999999999998]
        ),
        ("sum_over_time(c_total[1m:15s] @ end())", [3600, 3600, 3600, 3600, 3600]),
        ("timestamp(c_total)", [1_700_000_060, 1_700_000_120, 1_700_000_195, 1_700_000_270, 1_700_000_330]),
        ("count_over_time(c_total[2m:])", [1, 2, 2, 2, 3]),
        ("c_total offset -1m", [240, 360, 510, 660, 780]),
        ("predict_linear(c_total[2m], 60)", [240, 380, 520, 660, 800]),
    ]

    @Test("the same points as Prometheus' query_range", arguments: cases)
    func samePointsAsPrometheus(query: String, values: [Double]) throws {
        let matrix = try Evaluator(storage: Self.storage).rangeQuery(
            query, start: Timestamp(milliseconds: (Self.base + 60) * 1000),
            end: Timestamp(milliseconds: (Self.base + 400) * 1000), step: .seconds(70))
        #expect(matrix.count == 1)
        #expect(Array(matrix[0].timestamps) == [60, 130, 200, 270, 340].map { (Self.base + $0) * 1000 })
        #expect(Array(matrix[0].values) == values)
    }
}
