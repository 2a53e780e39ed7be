import CLibPQ
import Foundation
import GRDB

/// One value as libpq sends it: text for numbers and strings (PostgreSQL parses it by the column's type), binary for
/// bytes (`bytea`), nil for NULL. And back: a field of a text-format result as the Swift value its type reads as.
struct PostgresParameter {
    /// The value's bytes, nil for NULL.
    var bytes: [UInt8]?
    /// Whether `bytes` are binary (a `bytea`) rather than text.
    var isBinary = false

    init(_ value: (any DatabaseValueConvertible)?) {
        switch value?.databaseValue.storage ?? .null {
        case .null: bytes = nil
        case .int64(let integer): bytes = Array(String(integer).utf8)
        case .double(let double): bytes = Array(Self.text(double).utf8)
        case .string(let string): bytes = Array(string.utf8)
        case .blob(let data):
            bytes = [UInt8](data)
            isBinary = true
        }
    }

    /// A double as PostgreSQL's `float8` input reads it back exactly (Swift's shortest round-trip digits).
    static func text(_ double: Double) -> String {
        if double.isNaN { return "NaN" }
        if double.isInfinite { return double < 0 ? "-Infinity" : "Infinity" }
        return "\(double)"
    }

    /// The type OIDs of PostgreSQL's catalog that results of this schema carry (`pg_type.oid`).
    enum TypeOID {
        static let bool: Oid = 16
        static let bytea: Oid = 17
        static let int8: Oid = 20
        static let int2: Oid = 21
        static let int4: Oid = 23
        static let float4: Oid = 700
        static let float8: Oid = 701
    }

    /// The value of a text-format field of type `type`: Int64, Double, Data or String.
    static func value(_ field: UnsafePointer<CChar>?, type: Oid) -> (any DatabaseValueConvertible)? {
        guard let field else { return nil }
        let text = String(cString: field)
        switch type {
        case TypeOID.int8, TypeOID.int4, TypeOID.int2: return Int64(text)
        case TypeOID.float8, TypeOID.float4: return double(text)
        case TypeOID.bool: return text == "t"
        case TypeOID.bytea: return bytes(field)
        default: return text
        }
    }

    private static func double(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        default: Double(text)
        }
    }

    /// A `bytea` field's bytes, decoded from its text form (`\x` and hex digits).
    private static func bytes(_ field: UnsafePointer<CChar>) -> Data? {
        var length = 0
        guard let decoded = field.withMemoryRebound(to: UInt8.self, capacity: 1, { PQunescapeBytea($0, &length) })
        else { return nil }
        defer { PQfreemem(decoded) }
        return Data(bytes: decoded, count: length)
    }
}
