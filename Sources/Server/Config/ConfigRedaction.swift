/// Hides secrets in the configuration text `GET /api/v2/status` shows, as Alertmanager prints `<secret>`
/// for webhook URLs and credentials.
enum ConfigRedaction {
    /// Keys whose values are secrets.
    static let secretKeys: Set<String> = ["url", "credentials", "bearer_token"]

    /// `text` with the value of every `url:` and `credentials:` line replaced by `<secret>`.
    static func redact(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(redactLine).joined(separator: "\n")
    }

    private static func redactLine(_ line: Substring) -> String {
        guard let colon = line.firstIndex(of: ":") else { return String(line) }
        var key = line[..<colon].drop { $0 == " " || $0 == "\t" }
        if key.hasPrefix("-") { key = key.dropFirst().drop { $0 == " " } }
        let value = line[line.index(after: colon)...].trimmingCharactersInSpaces
        guard secretKeys.contains(String(key)), !value.isEmpty else { return String(line) }
        return line[...colon] + " <secret>"
    }
}

private extension Substring {
    var trimmingCharactersInSpaces: Substring {
        drop { $0 == " " || $0 == "\t" }
    }
}
