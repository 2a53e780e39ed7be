/// Escaping rules of the exposition formats, which differ per context.
///
/// | context | escaped |
/// |---|---|
/// | label value (both formats) | `\` `"` newline |
/// | `# HELP` text, Prometheus 0.0.4 | `\` newline |
/// | `# HELP` text, OpenMetrics | `\` `"` newline |
public enum Escaping {
    /// `value` escaped for use inside `label="…"`.
    public static func labelValue(_ value: String) -> String {
        var bytes: [UInt8] = []
        appendEscaped(value, escapingQuotes: true, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` escaped for a `# HELP` line in `format`.
    public static func help(_ text: String, format: ExpositionFormat) -> String {
        var bytes: [UInt8] = []
        appendEscaped(text, escapingQuotes: format == .openMetrics, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` with `\`, newline and (optionally) `"` escaped; unescaped runs are copied whole.
    static func appendEscaped(_ text: String, escapingQuotes: Bool, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let replacement: StaticString
                switch utf8[index] {
                case UInt8(ascii: "\\"): replacement = #"\\"#
                case UInt8(ascii: "\n"): replacement = #"\n"#
                case UInt8(ascii: "\"") where escapingQuotes: replacement = #"\""#
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                bytes.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: 2))
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
    }
}
