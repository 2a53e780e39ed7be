import PromQL

/// Quotes `text` as Go's `%q` / `strconv.Quote` do, as promtool's messages quote names and expressions.
func goQuote(_ text: String) -> String {
    quoteString(text)
}
