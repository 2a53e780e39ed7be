import GRDB

/// A row whose columns are read by name through positions worked out once per query.
///
/// GRDB finds a column by name by comparing the name, case-insensitively, with each column's in turn: an agent's
/// row is read through about 60 names, so a restart of 100,000 agents spent seconds lower-casing column names.
struct NamedRow {
    let row: Row
    let positions: ColumnPositions

    /// `row`, with the positions of its own columns (rows of one query share them: pass those instead).
    init(_ row: Row, positions: ColumnPositions? = nil) {
        self.row = row
        self.positions = positions ?? ColumnPositions(row)
    }

    /// The column's value, nil when it is NULL (or absent).
    subscript<Value: DatabaseValueConvertible>(_ name: String) -> Value? {
        guard let index = positions.index(of: name, in: row) else { return row[name] }
        return row[index]
    }

    /// The column's value, which must not be NULL (as GRDB's own subscript, the optional one preferred).
    @_disfavoredOverload
    subscript<Value: DatabaseValueConvertible>(_ name: String) -> Value {
        guard let index = positions.index(of: name, in: row) else { return row[name] }
        return row[index]
    }
}

/// Where each column of a query's rows is.
struct ColumnPositions {
    private let byName: [String: Int]
    private let count: Int

    init(_ row: Row) {
        var byName: [String: Int] = [:]
        for (index, name) in row.columnNames.enumerated() where byName[name] == nil { byName[name] = index }
        self.byName = byName
        count = row.count
    }

    /// The position of `name` in `row`; nil when unknown, or when `row` does not have this query's columns.
    func index(of name: String, in row: Row) -> Int? {
        guard row.count == count, let index = byName[name] else { return nil }
        return index
    }
}
