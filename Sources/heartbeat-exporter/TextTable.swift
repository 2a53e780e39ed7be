/// Aligned text columns, as the client commands print their lists.
enum TextTable {
    /// The header and rows, each column padded to its widest cell, two spaces apart, one line per row.
    ///
    /// Every cell is escaped for the terminal first (``TerminalText``), so a value cannot clear the screen or
    /// break a row in two, and padded by its width on screen, so wide characters keep the columns aligned.
    static func render(header: [String], rows: [[String]]) -> String {
        let table = ([header] + rows).map { $0.map(TerminalText.escaped) }
        let widths = header.indices.map { column in table.map { TerminalText.width($0[column]) }.max() ?? 0 }
        var out = ""
        for row in table {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1
                    ? cell : cell + String(repeating: " ", count: widths[column] - TerminalText.width(cell))
            }
            out += cells.joined(separator: "  ").trimmingTrailingSpaces + "\n"
        }
        return out
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
