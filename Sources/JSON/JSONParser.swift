/// A strict RFC 8259 JSON parser working on raw bytes.
///
/// It rejects everything the RFC does not allow: trailing commas, leading zeros, unescaped control
/// characters, unknown escapes, unpaired surrogates, invalid UTF-8, a byte-order mark, data after the
/// value, and nesting deeper than `maxDepth`. Each error names the byte offset of the problem.
///
/// Use it for request bodies; use ``JSONWriter`` to produce JSON.
public enum JSONParser {
    /// Parses one JSON document.
    ///
    /// - Parameters:
    ///   - bytes: the whole document, UTF-8 encoded. Whitespace around the value is allowed.
    ///   - maxDepth: how many arrays and objects may be nested; one more is an error.
    /// - Returns: the parsed value.
    /// - Throws: ``JSONParseError`` with the zero-based offset of the first offending byte.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try parse(buffer, maxDepth: maxDepth) }
        }
        return try result.get()
    }

    /// Parses one JSON document from raw memory; see the `[UInt8]` overload.
    public static func parse(_ buffer: UnsafeRawBufferPointer, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try parse(buffer.assumingMemoryBound(to: UInt8.self), maxDepth: maxDepth)
    }

    /// Parses one JSON document from a byte buffer; see the `[UInt8]` overload.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = 64) throws(JSONParseError)
        -> JSONValue
    {
        var parser = ByteParser(bytes: buffer, maxDepth: maxDepth)
        return try parser.parseDocument()
    }
}

/// The parsing state: the input and the read position.
struct ByteParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var index = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count {
            throw error("unexpected \(describe(bytes[index])) after the top-level value")
        }
        return value
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case let byte: throw error("unexpected \(describe(byte)), expected a value")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONObject {
        try enterContainer()
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(8)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return JSONObject(members)
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw expectedKeyError(afterComma: !members.isEmpty) }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':' after object key")
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                continue
            }
            try expect(UInt8(ascii: "}"), "expected ',' or '}' after object member")
            depth -= 1
            return JSONObject(members)
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> [JSONValue] {
        try enterContainer()
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return elements
        }
        while true {
            if !elements.isEmpty, peek() == UInt8(ascii: "]") { throw error("trailing comma before ']'") }
            elements.append(try parseValue())
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                continue
            }
            try expect(UInt8(ascii: "]"), "expected ',' or ']' after array element")
            depth -= 1
            return elements
        }
    }

    /// Steps over `{` or `[`, counting the nesting level.
    private mutating func enterContainer() throws(JSONParseError) {
        if depth >= maxDepth { throw error("nesting deeper than \(maxDepth) levels") }
        depth += 1
        index += 1
    }

    private func expectedKeyError(afterComma: Bool) -> JSONParseError {
        if afterComma, peek() == UInt8(ascii: "}") { return error("trailing comma before '}'") }
        guard index < bytes.count else { return error("unexpected end of input, expected a string key") }
        return error("expected a string key, found \(describe(bytes[index]))")
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = index
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for offset in 0..<expected.count {
            guard start + offset < bytes.count, bytes[start + offset] == expected[offset] else {
                index = start + offset
                throw error("invalid literal, expected '\(literal)'")
            }
        }
        index = start + expected.count
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(JSONParseError) {
        guard peek() == byte else {
            guard index < bytes.count else { throw error("unexpected end of input, \(message)") }
            throw error(message)
        }
        index += 1
    }

    /// The byte at the read position, or `nil` at the end.
    func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// An error at the read position.
    func error(_ message: String) -> JSONParseError {
        JSONParseError(offset: index, message: message)
    }

    /// A byte as it should appear in a message: `'x'` when printable ASCII, else `byte 0x0A`.
    func describe(_ byte: UInt8) -> String {
        if (0x21...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (byte < 0x10 ? "0" + hex : hex)
    }
}
