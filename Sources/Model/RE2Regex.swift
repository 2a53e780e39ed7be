internal import CRE2

/// A regular expression compiled by RE2, the linear-time engine behind Go's `regexp`, matched as written
/// (Go's `MatchString` and `FindStringSubmatchIndex`: unanchored unless the pattern anchors itself).
///
/// RE2 matches in time linear in the text whatever the pattern, and its compiled form is safe to match from
/// several threads at once; the C++ object is freed with the last reference.
final class RE2Regex: @unchecked Sendable {
    // Safety: the RE2 object is never mutated after compilation; RE2 guards its own lazily built caches.
    private let regex: OpaquePointer
    /// The number of capturing groups, not counting the whole match.
    let groupCount: Int
    /// Capturing group names by group number (1-based), for the named groups.
    let groupNames: [Int: String]

    /// Compiles `pattern`.
    /// - Throws: ``RegexSyntaxError`` in Go's words when RE2 (or Go) rejects the pattern.
    init(_ pattern: String) throws(RegexSyntaxError) {
        let byteEscape = RegexSyntaxError.byteEscapeOffset(in: pattern)
        var pattern = pattern
        let compiled = pattern.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cre2_compile($0.baseAddress, $0.count) }
        }
        guard let regex = compiled.regex else {
            let argument = compiled.error_argument.map {
                String(
                    decoding: UnsafeRawBufferPointer(start: $0, count: compiled.error_argument_length), as: UTF8.self)
            }
            cre2_free_text(compiled.error_argument)
            // RE2 names no part for a pattern too large to compile; Go quotes the whole pattern then.
            let code = Int(compiled.error_code)
            let error = RegexSyntaxError(
                re2Code: code, expression: argument.flatMap { $0.isEmpty ? nil : $0 } ?? pattern)
            guard let byteEscape else { throw error }
            throw RegexSyntaxError.first(of: error, re2Code: code, byteEscapeOffset: byteEscape, in: pattern)
        }
        guard byteEscape == nil else {
            cre2_free(regex)
            throw RegexSyntaxError.byteEscape
        }
        self.regex = regex
        groupCount = Int(cre2_group_count(regex))
        var names: [Int: String] = [:]
        for group in stride(from: 1, through: groupCount, by: 1) {
            var length = 0
            if let name = cre2_group_name(regex, Int32(group), &length) {
                names[group] = String(decoding: UnsafeRawBufferPointer(start: name, count: length), as: UTF8.self)
            }
        }
        groupNames = names
    }

    deinit {
        cre2_free(regex)
    }

    /// Whether the pattern matches somewhere in `text`.
    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cre2_matches(regex, $0.baseAddress, $0.count) != 0 }
        }
    }

    /// The text of the leftmost match and of each group (index 0 is the match; "" for a group that did not take
    /// part), or nil without a match.
    func submatches(_ text: String) -> [String]? {
        var text = text
        let slots = 2 * (groupCount + 1)
        return text.withUTF8 { bytes -> [String]? in
            var offsets = [Int](repeating: -1, count: slots)
            let found = bytes.withMemoryRebound(to: CChar.self) { characters in
                offsets.withUnsafeMutableBufferPointer {
                    cre2_match_groups(regex, characters.baseAddress, characters.count, $0.baseAddress, Int32(slots))
                }
            }
            guard found != 0 else { return nil }
            return (0...groupCount).map { group in
                let start = offsets[2 * group], end = offsets[2 * group + 1]
                guard start >= 0, end >= start, end <= bytes.count else { return "" }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
        }
    }
}
