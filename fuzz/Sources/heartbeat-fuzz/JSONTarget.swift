import JSON

extension FuzzTarget {
    /// The JSON module: any document that parses is written back by ``JSONWriter`` and parses again to the same
    /// value (the exporter answers with documents it builds from parsed input).
    static let json = FuzzTarget(name: "json") { bytes in
        guard let value = try? JSONParser.parse(bytes) else { return }
        var writer = JSONWriter()
        writer.value(value)
        let again: JSONValue
        do {
            again = try JSONParser.parse(writer.bytes)
        } catch {
            fatalError("JSONWriter wrote a document JSONParser refuses (\(error)): \(String(fuzzInput: writer.bytes))")
        }
        guard sameValue(value, again) else {
            fatalError("JSON round trip changed the value: \(String(fuzzInput: writer.bytes))")
        }
    }

    /// Equality, except that NaN (which no JSON number produces, but guards against a writer bug) equals NaN.
    private static func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y || (x.isNaN && y.isNaN)
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { sameValue($0, $1) }
        case (.object(let x), .object(let y)):
            return x.members.count == y.members.count
                && zip(x.members, y.members).allSatisfy { $0.key == $1.key && sameValue($0.value, $1.value) }
        default: return a == b
        }
    }
}
