/// `style.css`: a plain, dense layout for a page kept open on a second screen; state colours match the
/// Grafana dashboards (healthy green, degraded amber, unreachable red, recovering blue, killed purple, stopped grey).
enum StyleSheet {
    static let text = #"""
        :root {
          --fg: #1f2328; --muted: #656d76; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de; --link: #0969da;
          --healthy: #1a7f37; --degraded: #bf8700; --unreachable: #cf222e; --recovering: #0550ae; --killed: #8250df; --stopped: #6e7781;
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg);
        }
        body { margin: 0; }
        a { color: var(--link); }
        header.top {
          display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; padding: 0.6rem 1.2rem;
          background: var(--panel); border-bottom: 1px solid var(--line);
        }
        .brand { font-weight: 600; color: var(--fg); text-decoration: none; }
        nav a { margin-right: 0.8rem; }
        .token { margin-left: auto; display: flex; gap: 0.4rem; align-items: center; }
        .token input { width: 14rem; }
        main { padding: 0.8rem 1.2rem 2rem; max-width: 110rem; }
        h1 { font-size: 1.4rem; margin: 0.6rem 0; }
        h2 { font-size: 1.15rem; margin: 1.6rem 0 0.4rem; }
        .muted { color: var(--muted); }
        .connection-error { color: var(--unreachable); font-weight: 600; }
        .message { padding: 0.5rem 0.8rem; border-radius: 6px; margin: 0.4rem 0; }
        .message-info { background: #ddf4ff; border: 1px solid #54aeff; }
        .message-error { background: #ffebe9; border: 1px solid #ff8182; }
        .summary { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-bottom: 0.6rem; }
        .summary-item {
          border: 1px solid var(--line); background: var(--bg); border-radius: 6px; padding: 0.3rem 0.7rem; cursor: pointer;
        }
        .summary-item[aria-pressed="true"] { outline: 2px solid var(--link); }
        .summary-item .count { font-weight: 700; font-size: 1.1rem; }
        .summary-total { color: var(--muted); margin-left: 0.5rem; }
        .controls { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: 0.5rem 0; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        thead th { background: var(--panel); position: sticky; top: 0; }
        /* Fixed layout: a changed cell does not make the browser measure every row again (5000 rows: 4 s -> 0.7 s). */
        table.fleet { table-layout: fixed; }
        table.fleet td { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        table.fleet th:nth-child(1) { width: 18%; }
        table.fleet th:nth-child(2), table.fleet th:nth-child(3), table.fleet th:nth-child(4) { width: 9%; }
        table.fleet th:nth-child(6) { width: 11%; }
        table.fleet th:nth-child(7), table.fleet th:nth-child(8), table.fleet th:nth-child(9) { width: 7.5%; }
        .number { text-align: right; font-variant-numeric: tabular-nums; }
        table.metrics { width: auto; }
        table.rejections td.error-text { font-family: ui-monospace, monospace; font-size: 0.9em; word-break: break-word; }
        #rejections h2 { color: var(--unreachable); }
        progress { width: 5rem; vertical-align: middle; }
        .state {
          display: inline-block; padding: 0 0.5rem; border-radius: 999px; font-weight: 600; border: 1px solid currentColor;
        }
        .state-healthy { color: var(--healthy); }
        .state-degraded { color: var(--degraded); }
        .state-unreachable { color: var(--unreachable); }
        .state-recovering { color: var(--recovering); }
        .state-killed { color: var(--killed); }
        .state-stopped { color: var(--stopped); }
        button.action { min-width: 5rem; }
        button.action-kill { color: var(--unreachable); }
        tr.alert-firing td:first-child { border-left: 4px solid var(--unreachable); }
        tr.alert-pending td:first-child { border-left: 4px solid var(--degraded); }
        .agent-head { display: flex; gap: 1rem; align-items: center; }
        dl.details { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; }
        dl.details dt { color: var(--muted); }
        dl.details dd { margin: 0; }
        .hidden-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
        [hidden] { display: none !important; }
        """#
}
