import JSON

extension JSONWriter {
    /// A writer whose output is byte for byte Go's `encoding/json`: the webhook payload and the Alertmanager
    /// API v2 bodies, whose consumers were written against Alertmanager's bytes.
    public static func goStyle() -> JSONWriter { JSONWriter(style: .goEncodingJSON) }

    /// Writes a string-to-string map as an object with keys sorted by their UTF-8 bytes, as Go sorts map keys.
    public mutating func stringMap(_ pairs: [(String, String)]) {
        beginObject()
        for (name, value) in pairs.sorted(by: { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }) {
            key(name)
            string(value)
        }
        endObject()
    }

    /// Writes a list of strings.
    public mutating func stringArray(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }
}
