/// One-dimensional array literals as PostgreSQL's input reads them (`{"a","b",NULL}`), for statements that take a
/// whole batch as one parameter (`unnest($1::text[], …)`): a few statements per batch instead of one per row.
enum PostgresArray {
    /// A `text[]` literal: every element quoted, `"` and `\` escaped; nil is NULL.
    static func text(_ values: [String?]) -> String {
        var literal = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { literal.append(",") }
            guard let value else {
                literal.append("NULL")
                continue
            }
            literal.append("\"")
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { literal.append("\\") }
                literal.unicodeScalars.append(character)
            }
            literal.append("\"")
        }
        return literal + "}"
    }

    /// A `text[]` literal of values that are never nil.
    static func text(_ values: [String]) -> String {
        text(values.map { Optional($0) })
    }

    /// A numeric array literal (`bigint[]`, `double precision[]`) of values already in PostgreSQL's input form
    /// (``PostgresParameter/text(_:)`` for doubles); nil is NULL.
    static func numbers(_ values: [String?]) -> String {
        "{" + values.map { $0 ?? "NULL" }.joined(separator: ",") + "}"
    }
}
