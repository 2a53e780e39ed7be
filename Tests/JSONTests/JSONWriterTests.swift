import JSON
import Model
import Testing

struct JSONWriterTests {
    private func written(_ build: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        build(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func writesCompactJSONWithCommasInPlace() {
        let text = written { json in
            json.beginObject()
            json.key("status"); json.string("success")
            json.key("data"); json.beginArray()
            json.int(1); json.bool(false); json.null(); json.beginObject(); json.endObject()
            json.beginArray(); json.endArray(); json.number(0.5)
            json.endArray()
            json.endObject()
        }
        #expect(text == #"{"status":"success","data":[1,false,null,{},[],0.5]}"#)
    }

    @Test(arguments: [
        (3.0, "3"), (-0.0, "0"), (0.1, "0.1"), (-2.5, "-2.5"), (1e-5, "1e-05"), (1e300, "1e+300"),
        (9_007_199_254_740_991, "9007199254740991"), (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
    ])
    func writesNumbers(value: Double, expected: String) {
        #expect(written { $0.number(value) } == expected)
    }

    /// Times and spans as exact decimal seconds, the same bytes ``JSONWriter/number(_:)`` writes for their
    /// seconds, and times as RFC 3339 strings.
    @Test(
        arguments: [
            (1_733_472_000_123, "1733472000.123", #""2024-12-06T08:00:00.123Z""#),
            (60_000, "60", #""1970-01-01T00:01:00.000Z""#),
            (1_500, "1.5", #""1970-01-01T00:00:01.500Z""#), (-250, "-0.25", #""1969-12-31T23:59:59.750Z""#),
            (1, "0.001", #""1970-01-01T00:00:00.001Z""#), (0, "0", #""1970-01-01T00:00:00.000Z""#),
        ] as [(Int64, String, String)])
    func writesTimesAndSpans(milliseconds: Int64, seconds: String, rfc3339: String) {
        let time = Timestamp(milliseconds: milliseconds)
        #expect(written { $0.seconds(time) } == seconds)
        #expect(written { $0.seconds(PrometheusDuration.milliseconds(milliseconds)) } == seconds)
        #expect(written { $0.number(time.seconds) } == seconds)
        #expect(written { $0.rfc3339(time) } == rfc3339)
        #expect(
            written { json in
                json.beginArray(); json.seconds(time); json.rfc3339(time); json.endArray()
            }
                == "[\(seconds),\(rfc3339)]")
    }

    @Test(arguments: [
        ("plain", #""plain""#), ("q\"b\\", #""q\"b\\""#), ("\n\r\t\u{08}\u{0C}", #""\n\r\t\b\f""#),
        ("\u{0}\u{1F}", #""\u0000\u001f""#), ("a\u{2028}b\u{2029}c", #""a\u2028b\u2029c""#),
        ("é😀/", "\"é😀/\""), ("\u{7F}", "\"\u{7F}\""),
    ])
    func escapesStrings(text: String, expected: String) {
        #expect(written { $0.string(text) } == expected)
        #expect(
            written {
                $0.beginObject(); $0.key(text); $0.null(); $0.endObject()
            } == "{\(expected):null}")
    }

    @Test(arguments: [
        #"{"agent":"a\"b","seq":42,"ratio":0.4,"tags":["x","\u2028",null,true],"nested":{"k":{}}}"#,
        #"[1,-2,3.25,1e-07,"\u0001\\",[],{}]"#,
        #""line\nbreak""#,
    ])
    func roundTripsThroughTheParser(text: String) throws {
        let value = try JSONParser.parse(Array(text.utf8))
        let rewritten = written { $0.value(value) }
        #expect(rewritten == text)
        #expect(try JSONParser.parse(Array(rewritten.utf8)) == value)
    }
}

struct JSONWriterGoStyleTests {
    @Test(arguments: [
        ("<a href=\"x\">&</a>", #""\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e""#),
        ("\u{8}\u{C}\n\u{2028}", #""\u0008\u000c\n\u2028""#),
    ])
    func escapesAsGoEncodingJSONDoes(text: String, json: String) {
        var writer = JSONWriter(style: .goEncodingJSON)
        writer.string(text)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == json)
    }

    @Test func theStandardStyleLeavesHTMLCharactersAlone() {
        var writer = JSONWriter()
        writer.string("<&>\u{8}")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""<&>\b""#)
    }
}
