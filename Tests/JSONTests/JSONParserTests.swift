import JSON
import Testing

struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test(arguments: [
        ("0", 0.0), ("-0", -0.0), ("1", 1), ("-12", -12), ("234.5", 234.5), ("0.003", 0.003),
        ("1e3", 1000), ("1E+3", 1000), ("2.5e-3", 0.0025), ("210000000", 210_000_000),
        ("0.1", 0.1), ("123456789012345", 123_456_789_012_345),
        ("12345678901234567890", 12_345_678_901_234_567_168),
        ("1.7976931348623157e308", Double.greatestFiniteMagnitude),
        ("5e-324", .leastNonzeroMagnitude), ("0.30000000000000004", 0.30000000000000004),
        ("9007199254740993", 9_007_199_254_740_992),
        ("1e-400", 0), ("0.000000000000000000000000000001", 1e-30), ("100000000000000000000000", 1e23),
    ])
    func parsesNumbersToTheNearestDouble(text: String, expected: Double) throws {
        let value = try #require(try parse(text).numberValue)
        #expect(value == expected)
        #expect(value.sign == expected.sign)
    }

    @Test(arguments: [
        (#""""#, ""), (#""plain""#, "plain"), (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"), (#""\u0041\u00e9\u20AC""#, "Aé€"),
        (#""\uD83D\uDE00""#, "😀"), (#""\u0000""#, "\u{0}"), ("\"héllo 😀\"", "héllo 😀"),
        (#""tab\tthen é""#, "tab\tthen é"),
    ])
    func parsesStrings(text: String, expected: String) throws {
        #expect(try parse(text) == .string(expected))
    }

    @Test func parsesAHeartbeat() throws {
        let text = """
            {"agent": "order-processor", "seq": 42, "labels": {"team": "payments"},
             "tasks": [{"success": true, "latency_ms": 234.5}], "current_task": null}
            """
        let object = try #require(try parse(text).objectValue)
        #expect(object.keys == ["agent", "seq", "labels", "tasks", "current_task"])
        #expect(object["agent"] == .string("order-processor"))
        #expect(object["seq"] == .number(42))
        #expect(object["labels"]?.objectValue?["team"] == .string("payments"))
        #expect(object["tasks"]?.arrayValue?.first?.objectValue?["success"] == .bool(true))
        #expect(object["current_task"]?.isNull == true)
        #expect(object["missing"] == nil)
    }

    @Test func duplicateKeysAreKeptAndTheLastOneWins() throws {
        let object = try #require(try parse(#"{"a":1,"a":2}"#).objectValue)
        #expect(object.members.count == 2)
        #expect(object["a"] == .number(2))
    }

    @Test(arguments: ["true", "false", "null", "[]", "{}", " \t\r\n[ ] \n", #"[[],{},"",0]"#])
    func acceptsMinimalDocuments(text: String) throws {
        _ = try parse(text)
    }

    @Test func parsesFromRawMemory() throws {
        let bytes = Array(#"{"k":[1,2]}"#.utf8)
        let value = try bytes.withUnsafeBytes { raw in try JSONParser.parse(raw) }
        #expect(value == .object(JSONObject([("k", .array([.number(1), .number(2)]))])))
    }
}
