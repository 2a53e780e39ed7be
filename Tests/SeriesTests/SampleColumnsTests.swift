@testable import Series
import Testing

/// The sliding sample arrays of one series: what they hold, and that they stay near their live size.
struct SampleColumnsTests {
    /// Appends one sample every 15 s for `count` steps, keeping `window` milliseconds, as the history does.
    func slid(_ count: Int, window: Int64) -> SampleColumns {
        var columns = SampleColumns()
        for step in 0..<count {
            let time = Int64(step) * 15_000
            columns.append(time, Double(step))
            columns.trim(olderThan: time - window)
        }
        return columns
    }

    func contents(_ columns: SampleColumns) -> [Int64] {
        Array(columns.slice(from: .min, through: .max)?.timestamps ?? [])
    }

    @Test(arguments: [1, 2, 17, 40, 41, 200, 1_000])
    func keepsExactlyTheWindowAcrossManyCompactions(steps: Int) {
        let columns = slid(steps, window: 600_000)  // 10 min: 41 samples at most
        let first = max(0, steps - 41)
        #expect(contents(columns) == (first..<steps).map { Int64($0) * 15_000 })
        #expect(columns.lastValue == Double(steps - 1))
    }

    @Test func valuesStayParallelToTimestampsAfterCompaction() {
        let columns = slid(1_000, window: 600_000)
        let slice = columns.slice(from: .min, through: .max)
        #expect(slice.map { Array($0.values) } == (959..<1_000).map(Double.init))
        #expect(slice?.timestamps.startIndex == slice?.values.startIndex)
    }

    @Test func capacityStaysNearTheLiveSamplesInTheSteadyState() {
        let columns = slid(5_000, window: 3_900_000)  // 1 h 5 m: 261 samples
        #expect(columns.count == 261)
        // One eighth of slack plus two, and what malloc rounds up; doubling would give 512.
        #expect(columns.capacity <= 261 + 261 / SampleColumns.slackDivisor + 2 + 8)
    }

    @Test func aSampleAtTheNewestTimestampReplacesItAndAnOlderOneIsDropped() {
        var columns = SampleColumns()
        columns.append(1_000, 1)
        columns.append(2_000, 2)
        columns.append(2_000, 3)
        columns.append(1_500, 4)
        #expect(contents(columns) == [1_000, 2_000])
        #expect(columns.lastValue == 3)
    }

    @Test(arguments: [
        (Int64(15_000), Int64(45_000), [Int64(15_000), 30_000, 45_000]),
        (16_000, 44_999, [30_000]),
        (46_000, 100_000, []),
        (.min, 0, [0]),
    ])
    func sliceIsClosedAtBothEnds(from: Int64, through: Int64, expected: [Int64]) {
        let columns = slid(4, window: 600_000)
        #expect(Array(columns.slice(from: from, through: through)?.timestamps ?? []) == expected)
    }

    @Test func trimmingEverythingGivesTheArraysBack() {
        var columns = slid(100, window: 60_000)
        columns.trim(olderThan: .max)
        #expect(columns.isEmpty)
        #expect(columns.capacity == 0)
        #expect(columns.lastValue == nil)
        columns.append(5, 1)
        #expect(contents(columns) == [5])
    }

    @Test func aViewHandedOutIsNotChangedByLaterAppends() {
        var columns = slid(41, window: 600_000)
        let view = columns.slice(from: .min, through: .max)
        for step in 41..<200 {
            columns.append(Int64(step) * 15_000, Double(step))
            columns.trim(olderThan: Int64(step) * 15_000 - 600_000)
        }
        #expect(view.map { Array($0.values) } == (0..<41).map(Double.init))
    }
}
