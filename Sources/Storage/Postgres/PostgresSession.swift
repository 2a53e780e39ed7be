import CLibPQ
import Foundation
import GRDB

/// Statements on a connection that ``PostgresConnection`` holds for the caller: values are always parameters
/// (`$1`, `$2`, … with `PQexecParams`), never text spliced into the SQL.
///
/// Values are the ones the row mappings already produce for SQLite (`DatabaseValueConvertible`), so both backends
/// write a table from one description; results come back as GRDB `Row`s, so both read it with the same mapping.
struct PostgresSession {
    let handle: OpaquePointer

    /// Runs one statement with `parameters` bound to `$1`, `$2`, … and returns its rows.
    /// - Throws: ``PostgresError`` with the server's message and SQLSTATE.
    @discardableResult
    func execute(_ sql: String, _ parameters: [(any DatabaseValueConvertible)?] = []) throws -> [Row] {
        let result = Self.withBound(parameters) { count, values, lengths, formats in
            PQexecParams(handle, sql, count, nil, values, lengths, formats, 0)
        }
        return try rows(of: result)
    }

    /// Runs `sql` once for each parameter list, sent in libpq's pipeline mode: the statements go out without waiting
    /// for each answer, `chunk` at a time, so that a batch costs a few round trips instead of one per row.
    /// - Throws: ``PostgresError`` of the first statement that failed (the ones after it are not run).
    func executeBatch(_ sql: String, _ batch: [[(any DatabaseValueConvertible)?]], chunk: Int = 500) throws {
        var start = batch.startIndex
        while start < batch.endIndex {
            let end = min(start + chunk, batch.endIndex)
            try executePipelined(sql, batch[start..<end])
            start = end
        }
    }

    /// Prepares `sql` once as the unnamed statement (parsed and planned once), then sends every parameter list.
    private func executePipelined(_ sql: String, _ batch: ArraySlice<[(any DatabaseValueConvertible)?]>) throws {
        guard let first = batch.first else { return }
        _ = try rows(of: PQprepare(handle, "", sql, Int32(first.count), nil))
        guard PQenterPipelineMode(handle) == 1 else { throw PostgresError(result: nil, connection: handle) }
        defer { PQexitPipelineMode(handle) }
        for parameters in batch {
            let sent = Self.withBound(parameters) { count, values, lengths, formats in
                PQsendQueryPrepared(handle, "", count, values, lengths, formats, 0)
            }
            guard sent == 1 else { throw PostgresError(result: nil, connection: handle) }
        }
        guard PQpipelineSync(handle) == 1 else { throw PostgresError(result: nil, connection: handle) }
        // Each statement's results end with a nil; the sync point's result ends the batch.
        var failure: PostgresError?
        while true {
            guard let result = PQgetResult(handle) else {
                if PQstatus(handle) == CONNECTION_BAD {
                    throw failure ?? PostgresError(result: nil, connection: handle)
                }
                continue
            }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_SYNC {
                PQclear(result)
                break
            }
            if status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_PIPELINE_ABORTED
                && failure == nil
            {
                failure = PostgresError(result: result, connection: handle)
            }
            PQclear(result)
        }
        if let failure { throw failure }
    }

    /// Calls `body` with `parameters` as libpq takes them: count, values (NUL-terminated), lengths and formats.
    private static func withBound<Result>(
        _ parameters: [(any DatabaseValueConvertible)?],
        _ body: (
            Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?
        ) -> Result
    ) -> Result {
        let bound = parameters.map(PostgresParameter.init)
        let buffers: [UnsafeMutablePointer<CChar>?] = bound.map { parameter in
            guard let bytes = parameter.bytes else { return nil }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress {
                    UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: source.count)
                }
            }
            buffer[bytes.count] = 0
            return buffer
        }
        defer { buffers.forEach { $0?.deallocate() } }
        let values = buffers.map { UnsafePointer($0) }
        let lengths = bound.map { Int32($0.bytes?.count ?? 0) }
        let formats = bound.map { Int32($0.isBinary ? 1 : 0) }
        return values.withUnsafeBufferPointer { values in
            lengths.withUnsafeBufferPointer { lengths in
                formats.withUnsafeBufferPointer { formats in
                    body(Int32(bound.count), values.baseAddress, lengths.baseAddress, formats.baseAddress)
                }
            }
        }
    }

    /// Runs a script of several statements without parameters (the schema's migrations).
    /// - Throws: ``PostgresError`` with the server's message and SQLSTATE.
    func executeScript(_ sql: String) throws {
        _ = try rows(of: PQexec(handle, sql))
    }

    /// The rows of `result`, which is cleared; an error result throws.
    private func rows(of result: OpaquePointer?) throws -> [Row] {
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY: return []
        case PGRES_TUPLES_OK: break
        default: throw PostgresError(result: result, connection: handle)
        }
        let columns = (0..<PQnfields(result)).map { column in
            (name: String(cString: PQfname(result, column)), type: PQftype(result, column))
        }
        return (0..<PQntuples(result)).map { row in
            var values: [String: (any DatabaseValueConvertible)?] = [:]
            for (index, column) in columns.enumerated() {
                let field = Int32(index)
                values[column.name] =
                    PQgetisnull(result, row, field) == 1
                    ? nil : PostgresParameter.value(PQgetvalue(result, row, field), type: column.type)
            }
            return Row(values)
        }
    }
}

/// A failed statement: the server's message, its SQLSTATE code and, when the connection dropped, libpq's reason.
struct PostgresError: Error, CustomStringConvertible {
    /// The server's or libpq's message, on one line.
    var message: String
    /// The five-character SQLSTATE (`23505` unique violation, `08006` connection failure), empty when none.
    var sqlState: String

    init(result: OpaquePointer?, connection: OpaquePointer) {
        if let result, let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))) {
            message = String(cString: primary)
        } else {
            message = PostgresConnection.errorMessage(connection)
        }
        sqlState = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
    }

    var description: String { sqlState.isEmpty ? message : "\(message) (SQLSTATE \(sqlState))" }
}
