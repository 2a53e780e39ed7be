import GRDB
import Model
import Synchronization

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

extension Array where Element == Row {
    /// Each row of one SQLite statement decoded by `decode`, in order, the columns' positions worked out once for
    /// all of them. Not for rows built from dictionaries (PostgreSQL's): each of those has its columns in an order
    /// of its own.
    ///
    /// Many rows are decoded in chunks on every core (a restart decodes 100,000 agents' rows): call it outside the
    /// database's queue, on rows already read (GRDB's fetched rows are copies, read-only).
    func decoded<Value: Sendable>(_ decode: @Sendable (NamedRow) -> Value) -> [Value] {
        guard let first else { return [] }
        let positions = ColumnPositions(first)
        let chunkSize = 2_048
        guard count > chunkSize else { return map { decode(NamedRow($0, positions: positions)) } }
        let chunks = (count + chunkSize - 1) / chunkSize
        let decodedChunks = Mutex([[Value]](repeating: [], count: chunks))
        nonisolated(unsafe) let rows = self
        BackgroundWork.performInParallel(chunks, width: BackgroundWork.width) { chunk in
            let part = rows[chunk * chunkSize..<Swift.min(rows.count, (chunk + 1) * chunkSize)].map {
                decode(NamedRow($0, positions: positions))
            }
            decodedChunks.withLock { $0[chunk] = part }
        }
        return decodedChunks.withLock { $0.flatMap { $0 } }
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
