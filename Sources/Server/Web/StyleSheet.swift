/// `style.css`: a plain, dense layout for a page kept open on a second screen; state colours match the
/// Grafana dashboards (healthy green, degraded amber, unreachable red, recovering blue, maintenance teal, killed purple,
/// stopped grey).
enum StyleSheet {
    static let text = #"""
        :root {
          --fg: #1f2328; --muted: #656d76; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de; --link: #0969da;
          --healthy: #1a7f37; --degraded: #bf8700; --unreachable: #cf222e; --recovering: #0550ae; --maintenance: #0e8a8a; --killed: #8250df; --stopped: #6e7781;
          --nodata: #d8dee4; --kill-fg: #a40e26; --kill-bg: #fff5f5;
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
        table.fleet { table-layout: fixed; min-width: 80rem; }
        table.fleet td { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        /* Every column but the current task's has a width (cells' padding comes on top); the task takes what is left,
           at least its header's width from the table's minimum width on, even when no agent has a task. */
        table.fleet th:nth-child(1) { width: 9%; }
        table.fleet th:nth-child(2), table.fleet th:nth-child(7) { width: 6%; }
        /* Wide enough for the longest state's badge ("maintenance", "unreachable"). */
        table.fleet th:nth-child(3) { width: 9.5%; white-space: nowrap; }
        table.fleet th:nth-child(4) { width: 7.5%; }
        table.fleet th:nth-child(5), table.fleet th:nth-child(9) { width: 5.5%; }
        table.fleet th:nth-child(6) { width: 6.5%; }
        table.fleet th:nth-child(10), table.fleet th:nth-child(11) { width: 6.5%; }
        table.fleet th:nth-child(12) { width: 6.5%; }
        th[data-sort] button.sort {
          all: unset; cursor: pointer; font-weight: 600; display: inline-flex; gap: 0.25rem; align-items: center;
        }
        th[data-sort] button.sort:focus-visible { outline: 2px solid var(--link); }
        th[aria-sort="ascending"] button.sort::after { content: "\25B2"; font-size: 0.7em; }
        th[aria-sort="descending"] button.sort::after { content: "\25BC"; font-size: 0.7em; }
        svg.strip, svg.sparkline { display: block; width: 100%; }
        svg.strip { height: 14px; border-radius: 2px; }
        svg.sparkline { height: 22px; }
        /* Time without a known state (before the agent was first seen): a neutral grey, visible in both schemes. */
        .seg-none { fill: var(--nodata); }
        .seg-healthy { fill: var(--healthy); }
        .seg-degraded { fill: var(--degraded); }
        .seg-unreachable, .seg-missing { fill: var(--unreachable); }
        .seg-recovering { fill: var(--recovering); }
        .seg-maintenance { fill: var(--maintenance); }
        .seg-killed { fill: var(--killed); }
        .seg-stopped { fill: var(--stopped); }
        .bar-ok { fill: var(--healthy); opacity: 0.75; }
        .bar-failed { fill: var(--unreachable); }
        svg .axis, svg .grid { stroke: var(--line); stroke-width: 1; }
        svg .grid { stroke-dasharray: 3 3; }
        svg .tick { fill: var(--muted); font-size: 10px; }
        svg .line { fill: none; stroke: var(--link); stroke-width: 1.5; }
        svg .line-dot { fill: var(--link); }
        svg .line-ok { fill: none; stroke: var(--healthy); stroke-width: 1.5; }
        svg .line-ok-dot { fill: var(--healthy); }
        svg .legend-text { fill: var(--fg); font-size: 10px; }
        svg .legend-entry line { stroke-width: 2.5; }
        svg .line-failed { fill: none; stroke: var(--unreachable); stroke-width: 1.5; }
        svg .line-failed-dot { fill: var(--unreachable); }
        /* The span still under way: dashed, its dot pale. */
        svg path.partial { stroke-dasharray: 3 3; }
        svg circle.partial-dot { fill-opacity: 0.35; }
        .strips { display: grid; gap: 0.4rem; max-width: 44rem; }
        .strips > div { display: grid; grid-template-columns: 7rem 1fr; align-items: center; }
        .strips svg.strip { height: 18px; }
        .legend { display: flex; flex-wrap: wrap; gap: 0.8rem; font-size: 0.9em; color: var(--muted); }
        .legend .swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; vertical-align: middle; }
        .legend .swatch.seg-healthy { background: var(--healthy); }
        .legend .swatch.seg-degraded { background: var(--degraded); }
        .legend .swatch.seg-unreachable, .legend .swatch.seg-missing { background: var(--unreachable); }
        .legend .swatch.seg-recovering { background: var(--recovering); }
        .legend .swatch.seg-maintenance { background: var(--maintenance); }
        .legend .swatch.seg-killed { background: var(--killed); }
        .legend .swatch.seg-stopped { background: var(--stopped); }
        .legend .swatch.seg-none { background: var(--nodata); }
        .charts { display: flex; flex-wrap: wrap; gap: 1rem; }
        .charts figure { margin: 0; }
        .charts figcaption { color: var(--muted); font-size: 0.9em; }
        .number { text-align: right; font-variant-numeric: tabular-nums; }
        table.metrics { width: auto; }
        table.recent-alerts tr.group-head th { background: var(--panel); font-weight: 600; }
        table.rejections td.error-text { font-family: ui-monospace, monospace; font-size: 0.9em; word-break: break-word; }
        #rejections h2 { color: var(--unreachable); }
        progress { width: 5rem; vertical-align: middle; }
        .state {
          display: inline-block; padding: 0 0.5rem; border-radius: 999px; font-weight: 600; border: 1px solid currentColor;
        }
        .state-healthy { color: var(--healthy); }
        .state-degraded { color: var(--degraded); }
        .state-unreachable { color: var(--unreachable); }
        .state-missing { color: var(--unreachable); border-style: dashed; }
        .state-recovering { color: var(--recovering); }
        .state-maintenance { color: var(--maintenance); border-style: dotted; }
        .state-killed { color: var(--killed); }
        .state-stopped { color: var(--stopped); }
        /* Drawn by the page, not the browser's default, so both schemes keep the text readable against its face. */
        button.action {
          min-width: 5rem; font: inherit; font-weight: 600; padding: 0.1rem 0.6rem; border-radius: 6px; cursor: pointer;
          color: var(--fg); background: var(--panel); border: 1px solid var(--line);
        }
        button.action:hover { background: var(--line); }
        button.action:disabled { opacity: 0.6; cursor: default; }
        button.action:focus-visible { outline: 2px solid var(--link); outline-offset: 1px; }
        button.action-kill { color: var(--kill-fg); background: var(--kill-bg); border-color: var(--kill-fg); }
        button.action-kill:hover { background: var(--kill-fg); color: var(--kill-bg); }
        tr.alert-firing td:first-child { border-left: 4px solid var(--unreachable); }
        tr.alert-pending td:first-child { border-left: 4px solid var(--degraded); }
        .agent-head { display: flex; gap: 1rem; align-items: center; }
        dl.details { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; }
        dl.details dt { color: var(--muted); }
        dl.details dd { margin: 0; }
        pre.output { margin: 0; max-width: 40rem; max-height: 8rem; overflow: auto; white-space: pre-wrap; font-size: 0.85em; }
        pre.run-output { margin: 0; max-height: 20em; overflow: auto; white-space: pre-wrap; font-size: 0.85em; }
        .hidden-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
        [hidden] { display: none !important; }
        @media (prefers-color-scheme: dark) {
          :root {
            color-scheme: dark;
            --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117; --panel: #161b22; --line: #30363d; --link: #4493f8;
            --healthy: #3fb950; --degraded: #d29922; --unreachable: #f85149; --recovering: #58a6ff; --maintenance: #39c5cf;
            --killed: #a371f7; --stopped: #8b949e;
            --nodata: #3d444d; --kill-fg: #ffa198; --kill-bg: #3d1214;
          }
          .message-info { background: #0c2d4d; border-color: #1f6feb; }
          .message-error { background: #3d1214; border-color: #da3633; }
        }
        """#
}
