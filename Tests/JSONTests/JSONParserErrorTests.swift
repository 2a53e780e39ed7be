import JSON
import Testing

/// Each class of invalid input, with the byte offset the error must point at.
struct JSONParserErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let input: [UInt8]
        let offset: Int
        let message: String
        init(_ input: String, _ offset: Int, _ message: String) {
            self.input = Array(input.utf8)
            self.offset = offset
            self.message = message
        }
        init(bytes: [UInt8], _ offset: Int, _ message: String) {
            self.input = bytes
            self.offset = offset
            self.message = message
        }
        var testDescription: String { String(decoding: input, as: UTF8.self) }
    }

    static let cases: [Case] = [
        Case("", 0, "unexpected end of input, expected a value"),
        Case("   ", 3, "unexpected end of input, expected a value"),
        Case(#"{"a":1,}"#, 7, "trailing comma before '}'"),
        Case("[1,2,]", 5, "trailing comma before ']'"),
        Case("[1 2]", 3, "expected ',' or ']' after array element"),
        Case(#"{"a":1 "b":2}"#, 7, "expected ',' or '}' after object member"),
        Case(#"{"a" 1}"#, 5, "expected ':' after object key"),
        Case("{a:1}", 1, "expected a string key, found 'a'"),
        Case(#"{"a":1"#, 6, "unexpected end of input, expected ',' or '}' after object member"),
        Case("[1", 2, "unexpected end of input, expected ',' or ']' after array element"),
        Case("01", 1, "leading zeros are not allowed in numbers"),
        Case("-01", 2, "leading zeros are not allowed in numbers"),
        Case("-", 1, "unexpected end of input in number"),
        Case("-a", 1, "expected a digit after '-'"),
        Case("1.", 2, "expected a digit after the decimal point"),
        Case("1.e3", 2, "expected a digit after the decimal point"),
        Case("1e", 2, "expected a digit in the exponent"),
        Case("1e+", 3, "expected a digit in the exponent"),
        Case(".5", 0, "unexpected '.', expected a value"),
        Case("+1", 0, "unexpected '+', expected a value"),
        Case("1e999", 0, "number out of range"),
        Case("[-1e400]", 1, "number out of range"),
        Case("NaN", 0, "unexpected 'N', expected a value"),
        Case("tru", 3, "invalid literal, expected 'true'"),
        Case("nul1", 3, "invalid literal, expected 'null'"),
        Case("fals", 4, "invalid literal, expected 'false'"),
        Case("\"ab", 3, "unexpected end of input in string"),
        Case("\"a\tb\"", 2, "control character byte 0x09 in string must be escaped"),
        Case("\"a\nb\"", 2, "control character byte 0x0A in string must be escaped"),
        Case(#""a\x""#, 2, #"invalid escape sequence '\x'"#),
        Case(#""a\'""#, 2, #"invalid escape sequence '\''"#),
        Case(#""\u12G4""#, 5, "invalid hex digit 'G' in \\u escape"),
        Case(#""\u12"#, 5, "unexpected end of input in \\u escape"),
        Case(#""\uDC00""#, 1, "unpaired low surrogate in \\u escape"),
        Case(#""x\uD83D""#, 2, "high surrogate in \\u escape not followed by a low surrogate"),
        Case(#""\uD83Dx""#, 1, "high surrogate in \\u escape not followed by a low surrogate"),
        Case(#""\uD83D\u0041""#, 7, "high surrogate in \\u escape not followed by a low surrogate"),
        Case(bytes: [0x22, 0x61, 0xFF, 0x22], 2, "invalid UTF-8 in string"),
        Case(bytes: [0x22, 0xC0, 0xAF, 0x22], 1, "invalid UTF-8 in string"),  // overlong '/'
        Case(bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], 1, "invalid UTF-8 in string"),  // overlong
        Case(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], 1, "invalid UTF-8 in string"),  // encoded surrogate
        Case(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, "invalid UTF-8 in string"),  // above U+10FFFF
        Case(bytes: [0x22, 0xE2, 0x82, 0x22], 1, "invalid UTF-8 in string"),  // truncated
        Case(bytes: [0x22, 0x5C, 0x6E, 0x80, 0x22], 3, "invalid UTF-8 in string"),  // after an escape
        Case(bytes: [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], 0, "unexpected byte 0xEF, expected a value"),  // BOM
        Case("{} x", 3, "unexpected 'x' after the top-level value"),
        Case("1 2", 2, "unexpected '2' after the top-level value"),
        Case("[]]", 2, "unexpected ']' after the top-level value"),
        Case("\u{0C}1", 0, "unexpected byte 0x0C, expected a value"),  // form feed is not whitespace
    ]

    @Test(arguments: cases)
    func rejectsWithOffsetAndMessage(_ testCase: Case) {
        #expect(throws: JSONParseError(offset: testCase.offset, message: testCase.message)) {
            try JSONParser.parse(testCase.input)
        }
    }

    @Test func describesErrorsWithTheOffset() {
        let error = JSONParseError(offset: 17, message: "expected ',' or '}' after object member")
        #expect(error.description == "invalid JSON at byte 17: expected ',' or '}' after object member")
    }

    @Test func nestingUpToMaxDepthIsAcceptedAndOneMoreIsNot() throws {
        let atLimit = String(repeating: "[", count: 4) + String(repeating: "]", count: 4)
        #expect(try JSONParser.parse(Array(atLimit.utf8), maxDepth: 4) != .null)
        let tooDeep = Array(
            (#"{"a":"# + String(repeating: "[", count: 4) + "1" + String(repeating: "]", count: 4) + "}").utf8)
        #expect(throws: JSONParseError(offset: 8, message: "nesting deeper than 4 levels")) {
            try JSONParser.parse(tooDeep, maxDepth: 4)
        }
    }

    @Test func defaultDepthLimitStopsHostileNesting() {
        let hostile = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: JSONParseError(offset: 64, message: "nesting deeper than 64 levels")) {
            try JSONParser.parse(hostile)
        }
    }
}
