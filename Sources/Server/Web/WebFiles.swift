/// The files the status pages load, each kept as a Swift string literal so the binary needs nothing beside it.
enum WebFiles {
    /// Every file under `/static/`.
    static let all: [WebAsset] = [
        WebAsset(name: "style.css", contentType: "text/css; charset=utf-8", text: StyleSheet.text),
        WebAsset(name: "common.js", contentType: "text/javascript; charset=utf-8", text: CommonScript.text),
        WebAsset(
            name: "charts.js", contentType: "text/javascript; charset=utf-8",
            text: ChartScript.text + LineChartScript.text),
        WebAsset(
            name: "fleet.js", contentType: "text/javascript; charset=utf-8",
            text: FleetScript.text + RecentAlertsScript.text),
        WebAsset(
            name: "agent.js", contentType: "text/javascript; charset=utf-8",
            text: AgentScript.text + AgentActivityScript.text),
        WebAsset(name: "icon.svg", contentType: "image/svg+xml", text: icon),
    ]

    /// A heart with a pulse line, the page's favicon.
    private static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">\
        <path fill="#d6336c" d="M16 29s-12-7.4-12-16a6.5 6.5 0 0 1 12-3.5A6.5 6.5 0 0 1 28 13c0 8.6-12 16-12 16z"/>\
        <path fill="none" stroke="#fff" stroke-width="2" d="M6 16h6l2-4 3 8 2-4h7"/></svg>

        """
}
