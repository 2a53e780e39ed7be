import Model

/// A token inside a template action.
struct TemplateToken {
    enum Kind: Equatable {
        case identifier(String)
        case variable(String)
        case field(String)
        case dot
        case string(String)
        case number(String)
        case pipe
        case leftParen
        case rightParen
        case declare
    }

    var kind: Kind
    /// Byte offset in the full template.
    var offset: Int
    /// The token's text.
    var text: String
}

/// Splits the inside of an action into tokens.
struct TemplateTokenizer {
    let bytes: [UInt8]
    let baseOffset: Int
    let fail: (String, Int) -> TemplateError

    func tokens() throws(TemplateError) -> [TemplateToken] {
        var tokens: [TemplateToken] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let start = index
            switch byte {
            case 32, 9, 10, 13: index += 1; continue
            case 124: index += 1; tokens.append(token(.pipe, start, index))
            case 40: index += 1; tokens.append(token(.leftParen, start, index))
            case 41: index += 1; tokens.append(token(.rightParen, start, index))
            case 58 where index + 1 < bytes.count && bytes[index + 1] == 61:
                index += 2; tokens.append(token(.declare, start, index))
            case 34, 96: tokens.append(try stringToken(&index))
            case 36: index = word(from: index + 1); tokens.append(token(.variable(text(start, index)), start, index))
            case 46 where index + 1 < bytes.count && isWordByte(bytes[index + 1]) && !isDigit(bytes[index + 1]):
                index = word(from: index + 1)
                tokens.append(token(.field(text(start + 1, index)), start, index))
            case 46 where index + 1 >= bytes.count || !isDigit(bytes[index + 1]):
                index += 1; tokens.append(token(.dot, start, index))
            default:
                if isDigit(byte) || byte == 45 || byte == 43 || byte == 46 {
                    index = number(from: index); tokens.append(token(.number(text(start, index)), start, index))
                } else if isWordByte(byte) {
                    index = word(from: index); tokens.append(token(.identifier(text(start, index)), start, index))
                } else {
                    throw fail("unexpected \(GoFormat.quote(text(start, start + 1))) in command", baseOffset + start)
                }
            }
        }
        return tokens
    }

    private func token(_ kind: TemplateToken.Kind, _ start: Int, _ end: Int) -> TemplateToken {
        TemplateToken(kind: kind, offset: baseOffset + start, text: text(start, end))
    }

    private func text(_ start: Int, _ end: Int) -> String { String(decoding: bytes[start..<end], as: UTF8.self) }

    private func word(from start: Int) -> Int {
        var index = start
        while index < bytes.count, isWordByte(bytes[index]) { index += 1 }
        return index
    }

    private func number(from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count,
            isDigit(bytes[index]) || [46, 101, 69, 120, 95].contains(bytes[index])
                || ((bytes[index] == 43 || bytes[index] == 45) && [101, 69].contains(bytes[index - 1]))
        { index += 1 }
        return index
    }

    private func stringToken(_ index: inout Int) throws(TemplateError) -> TemplateToken {
        let start = index
        let quote = bytes[index]
        var value: [UInt8] = []
        index += 1
        while index < bytes.count, bytes[index] != quote {
            if quote == 34, bytes[index] == 92, index + 1 < bytes.count {
                index += 1
                value.append(unescape(bytes[index]))
            } else {
                value.append(bytes[index])
            }
            index += 1
        }
        guard index < bytes.count else { throw fail("unterminated quoted string", baseOffset + start) }
        index += 1
        return token(.string(String(decoding: value, as: UTF8.self)), start, index)
    }

    private func unescape(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 110: 10
        case 116: 9
        case 114: 13
        default: byte
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95 || byte >= 128
    }
}
