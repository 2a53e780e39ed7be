/// A shard's agents by name: the records side by side in one array, found through a dictionary of their positions.
///
/// A `[String: AgentRecord]` holds its records in its hash table, which is 37 to 75 % full: with records of about
/// 600 bytes, a third or more of a large fleet's memory was empty slots. Here the table holds only positions, and
/// the array grows by an eighth at a time. Removing an agent moves the last record into its place.
struct AgentTable {
    private var positions: [String: Int] = [:]
    private var names: [String] = []
    private var records: [AgentRecord] = []

    /// How many agents the table holds.
    var count: Int { records.count }

    /// The agents' names, in no particular order.
    var keys: [String] { names }

    /// The agents' records, in no particular order.
    var values: [AgentRecord] { records }

    /// Where `name`'s record is, for ``subscript(at:)``; nil when it is not here.
    func index(forKey name: String) -> Int? {
        positions[name]
    }

    /// The record at `index` (from ``index(forKey:)``), changed in place.
    subscript(at index: Int) -> AgentRecord {
        get { records[index] }
        _modify { yield &records[index] }
    }

    /// `name`'s record; setting nil removes it.
    subscript(name: String) -> AgentRecord? {
        get { positions[name].map { records[$0] } }
        set {
            if let newValue {
                updateValue(newValue, forKey: name)
            } else {
                removeValue(forKey: name)
            }
        }
    }

    /// Puts `record` in as `name`'s; the record it replaces, if any.
    @discardableResult
    mutating func updateValue(_ record: AgentRecord, forKey name: String) -> AgentRecord? {
        if let index = positions[name] {
            defer { records[index] = record }
            return records[index]
        }
        if records.count == records.capacity {
            let larger = records.count + Swift.max(16, records.count / 8)
            records.reserveCapacity(larger)
            names.reserveCapacity(larger)
        }
        positions[name] = records.count
        names.append(name)
        records.append(record)
        return nil
    }

    /// Takes `name`'s record out; nil when it is not here.
    @discardableResult
    mutating func removeValue(forKey name: String) -> AgentRecord? {
        guard let index = positions.removeValue(forKey: name) else { return nil }
        let last = records.count - 1
        if index != last {
            records.swapAt(index, last)
            names.swapAt(index, last)
            positions[names[index]] = index
        }
        names.removeLast()
        return records.removeLast()
    }
}

extension AgentTable: Sequence {
    /// Each agent's name and record, in no particular order.
    func makeIterator() -> some IteratorProtocol<(key: String, value: AgentRecord)> {
        zip(names, records).lazy.map { (key: $0, value: $1) }.makeIterator()
    }
}
