/// The HTML shells of the status pages. They hold no data: the scripts fill them from the JSON API.
///
/// `root` is the way back to the exporter's root from the page's URL (`./` for `/`, `../` for
/// `/agents/{agent}`), so every link is relative and the pages work behind a proxy that adds a path prefix.
enum PageHTML {
    /// `GET /`: summary, fleet table, rejected heartbeats (hidden while there are none), alerts, the last 24 hours'
    /// alert episodes per agent, silences.
    static func fleet(root: String, assetURLs: [String: String]) -> String {
        document(
            title: "Fleet", page: "fleet", root: root, assetURLs: assetURLs,
            main: """
                  <section aria-labelledby="fleet-title">
                    <h1 id="fleet-title">Fleet</h1>
                    <div id="summary" class="summary" aria-label="Agents per state"></div>
                    <div class="charts fleet-charts">
                      <figure><figcaption>Agents per state, last 24 hours</figcaption>
                        <div id="fleet-states"></div></figure>
                      <figure><figcaption>Fleet cost (USD per hour)</figcaption><div id="fleet-cost"></div></figure>
                    </div>
                    <div class="controls">
                      <label>State <select id="state-filter">
                        <option value="">all</option>
                        <option value="healthy">healthy</option>
                        <option value="degraded">degraded</option>
                        <option value="unreachable">unreachable</option>
                        <option value="missing">missing</option>
                        <option value="recovering">recovering</option>
                        <option value="maintenance">maintenance</option>
                        <option value="killed">killed</option>
                        <option value="stopped">stopped</option>
                      </select></label>
                      <label>Name <input id="search" type="search" placeholder="search agents" autocomplete="off"
                        spellcheck="false"></label>
                      <span id="shown-count" class="muted"></span>
                    </div>
                    <table class="fleet">
                      <thead><tr><th data-sort="name">Agent</th><th data-sort="type">Type</th>
                        <th data-sort="problems" title="Problems first: unreachable, missing, degraded, …">State</th>
                        <th title="State over the last 24 hours; hover a segment for its times">Last 24 h</th>
                        <th class="number" data-sort="uptime"
                          title="Over the last 24 hours: time healthy or degraded over the time not killed, stopped or in maintenance">Uptime</th>
                        <th title="Tasks per 5 minutes over the last 24 hours; failures in red">Tasks</th>
                        <th data-sort="seen">Last seen</th><th>Current task</th>
                        <th>Progress</th><th class="number" data-sort="cost" title="Spent in USD since the agent was first seen">Cost</th>
                        <th class="number" data-sort="rate" title="USD spent per hour over the last 5 to 10 minutes (less for a new agent)">USD / h</th>
                        <th><span class="hidden-label">Actions</span></th></tr></thead>
                      <tbody id="fleet-rows"></tbody>
                    </table>
                    <p id="fleet-empty" class="muted" hidden></p>
                  </section>
                  <section id="rejections" aria-labelledby="rejections-title" hidden>
                    <h2 id="rejections-title">Rejected heartbeats</h2>
                    <p class="muted">Heartbeats refused in the last hour. An agent whose every beat is refused is
                      missing from the fleet above. <a href="\(root)api/v1/rejections">rejections API</a></p>
                    <table class="rejections">
                      <thead><tr><th>Agent</th><th>Reason</th><th class="number">Refused</th><th>Last</th>
                        <th>Error</th></tr></thead>
                      <tbody id="rejection-rows"></tbody>
                    </table>
                  </section>
                \(alertsSection)
                  <section aria-labelledby="recent-title">
                    <h2 id="recent-title">Recent alerts</h2>
                    <p class="muted">Alert episodes of the last 24 hours, per agent.
                      <a href="\(root)api/v1/alerts/history?since=24h">history API</a></p>
                    <p id="recent-status" class="muted">Loading…</p>
                    <table id="recent-table" class="recent-alerts" hidden>
                      <thead><tr><th>Alert</th><th>Started</th><th>Resolved</th><th class="number">Lasted</th>
                        <th class="number">Firing</th><th>Muted</th><th class="number">Peak</th></tr></thead>
                    </table>
                  </section>
                  <section aria-labelledby="silences-title">
                    <h2 id="silences-title">Active silences</h2>
                    <p id="silences-status" class="muted">Loading…</p>
                    <table id="silences-table" hidden>
                      <thead><tr><th>Matchers</th><th>Until</th><th>Created by</th><th>Comment</th><th>ID</th></tr></thead>
                      <tbody id="silence-rows"></tbody>
                    </table>
                  </section>
                """)
    }

    /// `GET /agents/{agent}`: one agent, its latest metrics, its alerts and its state history.
    static func agent(root: String, assetURLs: [String: String]) -> String {
        document(
            title: "Agent", page: "agent", root: root, assetURLs: assetURLs,
            main: """
                  <p><a href="\(root)">&larr; Fleet</a></p>
                  <section aria-labelledby="agent-name">
                    <div class="agent-head">
                      <h1 id="agent-name">Agent</h1>
                      <span id="agent-state" class="state"></span>
                      <button type="button" id="agent-action" hidden></button>
                    </div>
                    <dl id="agent-details" class="details"></dl>
                    <dl id="agent-output" class="details" hidden>
                      <dt>Last run output</dt>
                      <dd><pre id="run-output" class="run-output" tabindex="0"></pre></dd>
                    </dl>
                  </section>
                  <section aria-labelledby="activity-title">
                    <h2 id="activity-title">Activity</h2>
                    <dl class="details uptimes" id="uptimes"></dl>
                    <div class="strips">
                      <div><span class="muted">Last 24 h</span> <span id="strip-24h"></span></div>
                      <div><span class="muted">Last 7 days</span> <span id="strip-7d"></span></div>
                    </div>
                    <p class="legend" id="strip-legend"></p>
                    <div class="controls">
                      <label>Range <select id="activity-range">
                        <option value="6h">6 hours</option>
                        <option value="24h" selected>24 hours</option>
                        <option value="7d">7 days</option>
                        <option value="30d">30 days</option>
                      </select></label>
                      <a id="activity-api" href="#">activity API</a>
                    </div>
                    <div class="charts">
                      <figure><figcaption id="caption-tasks">Tasks succeeded and failed</figcaption><div id="chart-tasks"></div></figure>
                      <figure><figcaption id="caption-failures">Failure ratio</figcaption><div id="chart-failures"></div></figure>
                      <figure><figcaption id="caption-latency">Task latency p95 (estimate)</figcaption><div id="chart-latency"></div></figure>
                      <figure><figcaption id="caption-cost">Cost (USD per hour)</figcaption><div id="chart-cost"></div></figure>
                    </div>
                  </section>
                  <section aria-labelledby="metrics-title">
                    <h2 id="metrics-title">Latest metrics</h2>
                    <table class="metrics"><tbody id="metric-rows"></tbody></table>
                  </section>
                \(alertsSection)
                  <section id="recovery-run" aria-labelledby="recovery-title" hidden>
                    <h2 id="recovery-title">Recovery run</h2>
                    <p id="recovery-summary"></p>
                    <table>
                      <thead><tr><th>Step</th><th>Started</th><th>Finished</th><th>Result</th><th>Summary</th>
                        <th>Output</th></tr></thead>
                      <tbody id="recovery-rows"></tbody>
                    </table>
                  </section>
                  <section aria-labelledby="history-title">
                    <h2 id="history-title">State history</h2>
                    <table>
                      <thead><tr><th>At</th><th>From</th><th>To</th><th>Reason</th></tr></thead>
                      <tbody id="history-rows"></tbody>
                    </table>
                  </section>
                """)
    }

    private static let alertsSection = """
          <section aria-labelledby="alerts-title">
            <h2 id="alerts-title">Pending and firing alerts</h2>
            <p id="alerts-status" class="muted">Loading…</p>
            <table id="alerts-table" hidden>
              <thead><tr><th>Alert</th><th>Agent</th><th>Severity</th><th>Summary</th><th>Since</th>
                <th>Status</th></tr></thead>
              <tbody id="alert-rows"></tbody>
            </table>
          </section>
        """

    private static func document(
        title: String, page: String, root: String, assetURLs: [String: String], main: String
    ) -> String {
        func url(_ name: String) -> String { root + (assetURLs[name] ?? "static/" + name) }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · heartbeat-exporter</title>
            <link rel="icon" type="image/svg+xml" href="\(url("icon.svg"))">
            <link rel="stylesheet" href="\(url("style.css"))">
            <script src="\(url("common.js"))" defer></script>
            <script src="\(url("charts.js"))" defer></script>
            <script src="\(url(page + ".js"))" defer></script>
            </head>
            <body data-root="\(root)" data-page="\(page)">
            <header class="top">
              <a class="brand" href="\(root)">heartbeat-exporter</a>
              <nav><a href="\(root)metrics">metrics</a> <a href="\(root)api/v1/agents">agents API</a>
                <a href="\(root)api/v1/alerts">alerts API</a></nav>
              <div class="token">
                <label for="admin-token">Admin token</label>
                <input id="admin-token" type="password" autocomplete="off" spellcheck="false"
                  placeholder="only with --web.admin-token-file">
                <button type="button" id="token-save">Use</button>
                <button type="button" id="token-forget">Forget</button>
                <span id="token-status" class="muted"></span>
              </div>
            </header>
            <main>
              <div id="messages" role="status" aria-live="polite"></div>
              <p id="connection" class="muted">Loading…</p>
            \(main)
            </main>
            </body>
            </html>

            """
    }
}
