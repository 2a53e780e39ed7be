import Model
@testable import Series
import Testing

/// Interning label sets to ids, freeing them, and the per-name lists kept sorted by labels.
struct SeriesTableTests {
    func series(_ name: String, _ agent: String) -> Labels { Labels(["__name__": name, "agent": agent]) }

    func sortedAgents(_ table: inout SeriesTable, _ name: String) -> [String] {
        guard let index = table.nameIndex(of: name) else { return [] }
        table.refreshIndex(index)
        return table.byName[Int(index)].sorted.filter(table.isLive).map { table.slots[Int($0.slot)].labels["agent"] }
    }

    @Test func theSameLabelsGiveTheSameId() {
        var table = SeriesTable()
        let id = table.insert(series("up", "a"), windowMillis: 1)
        #expect(table.id(of: series("up", "a")) == id)
        #expect(table.id(of: series("up", "b")) == nil)
        #expect(table.isLive(id))
        #expect(table.count == 1)
    }

    @Test func aFreedIdStaysDeadWhenItsSlotIsReused() {
        var table = SeriesTable()
        let old = table.insert(series("up", "a"), windowMillis: 1)
        table.remove(slot: old.slot)
        #expect(!table.isLive(old))
        #expect(table.id(of: series("up", "a")) == nil)
        let new = table.insert(series("up", "b"), windowMillis: 1)
        #expect(new.slot == old.slot)
        #expect(new != old)
        #expect(!table.isLive(old))
        #expect(table.isLive(new))
        #expect(table.count == 1)
        #expect(sortedAgents(&table, "up") == ["b"])
    }

    /// Few new series are inserted one by one, many are sorted and merged: both keep the order.
    @Test(arguments: [3, NameIndex.insertionLimit + 1, 500])
    func seriesOfANameComeOutSortedByLabels(added: Int) {
        var table = SeriesTable()
        var generator = SplitMix(seed: UInt64(added))
        let existing = (0..<300).map { "agent-\(10_000 + $0 * 2)" }.shuffled(using: &generator)
        for agent in existing { _ = table.insert(series("up", agent), windowMillis: 1) }
        #expect(sortedAgents(&table, "up") == existing.sorted())
        let more = (0..<added).map { "agent-\(10_000 + $0 * 2 + 1)" }.shuffled(using: &generator)
        for agent in more { _ = table.insert(series("up", agent), windowMillis: 1) }
        #expect(sortedAgents(&table, "up") == (existing + more).sorted())
    }

    @Test func anEqualityMatcherReadsTheSeriesWithThatValueInOrderAsTheyChange() throws {
        var table = SeriesTable()
        var ids: [String: SeriesID] = [:]
        for agent in ["c", "a", "b"] {
            for state in ["up", "down"] {
                ids[agent + state] = table.insert(
                    Labels(["__name__": "health", "agent": agent, "state": state]), windowMillis: 1)
            }
        }
        let down = [try LabelMatcher(.equal, "state", "down")]
        func agents() -> [String] {
            guard let name = table.nameIndex(of: "health") else { return [] }
            return table.candidates(of: name, matching: down).filter(table.isLive).map {
                table.slots[Int($0.slot)].labels["agent"] + "/" + table.slots[Int($0.slot)].labels["state"]
            }
        }
        #expect(agents() == ["a/down", "b/down", "c/down"])
        _ = table.insert(Labels(["__name__": "health", "agent": "aa", "state": "down"]), windowMillis: 1)
        if let gone = ids["bdown"] { table.remove(slot: gone.slot) }
        #expect(agents() == ["a/down", "aa/down", "c/down"])
        #expect(table.candidates(of: 0, matching: [try LabelMatcher(.equal, "state", "sideways")]).isEmpty)
    }

    @Test func removedSeriesLeaveTheListAndOtherNamesAreUntouched() {
        var table = SeriesTable()
        let ids = (0..<40).map { table.insert(series("up", "a\(100 + $0)"), windowMillis: 1) }
        _ = table.insert(series("down", "x"), windowMillis: 1)
        for id in ids where id.slot % 3 == 0 { table.remove(slot: id.slot) }
        let kept = (0..<40).filter { ids[$0].slot % 3 != 0 }.map { "a\(100 + $0)" }
        #expect(sortedAgents(&table, "up") == kept)
        #expect(sortedAgents(&table, "down") == ["x"])
        #expect(table.count == kept.count + 1)
    }
}

/// A small deterministic generator, so that shuffled test data is the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
