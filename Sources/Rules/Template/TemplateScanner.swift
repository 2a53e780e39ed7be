/// A piece of template text: literal text, or the inside of one `{{ … }}` action.
struct TemplateSegment {
    enum Kind { case text, action }
    var kind: Kind
    var content: String
    /// Byte offset of `content` in the full template.
    var offset: Int
}

/// Splits a template into text and actions, applying `{{-` / `-}}` trimming and dropping comments.
struct TemplateScanner {
    let bytes: [UInt8]
    /// Where the template proper starts (Prometheus' variable definitions come before it).
    let start: Int
    let fail: (String, Int) -> TemplateError

    func segments() throws(TemplateError) -> [TemplateSegment] {
        var segments: [TemplateSegment] = []
        var position = start
        var trimNext = false
        while position < bytes.count {
            guard let open = find([123, 123], from: position) else {
                appendText(bytes[position...], at: position, trimLeft: trimNext, into: &segments)
                break
            }
            let trimLeft = open + 3 < bytes.count && bytes[open + 2] == 45 && isSpace(bytes[open + 3])
            appendText(bytes[position..<open], at: position, trimLeft: trimNext, into: &segments)
            if trimLeft, let last = segments.last, last.kind == .text {
                segments[segments.count - 1].content = String(
                    last.content.reversed().drop(while: \.isWhitespace).reversed())
            }
            let contentStart = open + (trimLeft ? 3 : 2)
            guard let close = findClose(from: contentStart) else { throw fail("unclosed action", open) }
            let trimRight = close - 2 >= contentStart && bytes[close - 1] == 45 && isSpace(bytes[close - 2])
            let contentEnd = trimRight ? close - 1 : close
            let content = String(decoding: bytes[contentStart..<contentEnd], as: UTF8.self)
            if !content.trimmingSpaces.hasPrefix("/*") {
                segments.append(TemplateSegment(kind: .action, content: content, offset: contentStart))
            }
            trimNext = trimRight
            position = close + 2
        }
        return segments
    }

    private func appendText(
        _ slice: ArraySlice<UInt8>, at offset: Int, trimLeft: Bool,
        into segments: inout [TemplateSegment]
    ) {
        var text = String(decoding: slice, as: UTF8.self)
        if trimLeft { text = String(text.drop(while: \.isWhitespace)) }
        if !text.isEmpty { segments.append(TemplateSegment(kind: .text, content: text, offset: offset)) }
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index + 1] == needle[1] { return index }
            index += 1
        }
        return nil
    }

    /// The `}}` closing an action, skipping quoted strings.
    private func findClose(from start: Int) -> Int? {
        var index = start
        var quote: UInt8?
        while index + 1 < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == 92, open == 34 { index += 1 } else if byte == open { quote = nil }
            } else if byte == 34 || byte == 96 {
                quote = byte
            } else if byte == 125, bytes[index + 1] == 125 {
                return index
            }
            index += 1
        }
        return nil
    }

    private func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }
}

extension String {
    /// The text without leading whitespace.
    var trimmingSpaces: Substring { drop(while: \.isWhitespace) }
}
