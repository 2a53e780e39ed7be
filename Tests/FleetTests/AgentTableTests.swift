import Model
import Testing

@testable import Fleet

/// The shard's table of agents behaves as the dictionary it replaced: found by name after any removals (which
/// move the last record into the gap), replaced in place, iterated whole.
struct AgentTableTests {
    static func record(_ name: String, beats: Double = 0) -> AgentRecord {
        var record = AgentRecord(name: name, firstSeen: Timestamp(seconds: 1))
        record.counters.heartbeats = beats
        return record
    }

    @Test func everyAgentIsFoundByNameAfterRemovalsInAnyOrder() {
        var table = AgentTable()
        let names = (0..<100).map { "agent-\($0)" }
        for (number, name) in names.enumerated() { table[name] = Self.record(name, beats: Double(number)) }
        var kept = Set(names)
        for name in names where name.hasSuffix("3") || name.hasSuffix("0") {
            #expect(table.removeValue(forKey: name)?.name == name)
            kept.remove(name)
        }
        #expect(table.removeValue(forKey: "agent-3") == nil)
        #expect(table.count == kept.count)
        for (number, name) in names.enumerated() {
            #expect(table[name]?.counters.heartbeats == (kept.contains(name) ? Double(number) : nil), "\(name)")
        }
        #expect(Set(table.keys) == kept && Set(table.values.map(\.name)) == kept)
        #expect(Set(table.map(\.key)) == kept && table.allSatisfy { $0.key == $0.value.name })
    }

    @Test func aRecordIsReplacedOrChangedInPlace() throws {
        var table = AgentTable()
        table["a"] = Self.record("a", beats: 1)
        table["b"] = Self.record("b", beats: 2)
        #expect(table.updateValue(Self.record("a", beats: 5), forKey: "a")?.counters.heartbeats == 1)
        let index = try #require(table.index(forKey: "b"))
        table[at: index].counters.heartbeats += 10
        table["a"]?.counters.heartbeats += 1
        #expect(table["a"]?.counters.heartbeats == 6 && table["b"]?.counters.heartbeats == 12 && table.count == 2)
        table["a"] = nil
        #expect(table["a"] == nil && table.count == 1 && table.index(forKey: "b") == 0)
    }
}
