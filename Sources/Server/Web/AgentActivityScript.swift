/// The agent page's activity (appended to `agent.js`): uptime over 24 h, 7 d and 30 d, the state strips of the
/// last 24 hours and 7 days (maintenance shows as its own colour), and charts of tasks, failure ratio, p95 latency
/// and cost per hour over the chosen range, from `GET /api/v1/agents/{agent}/activity`.
enum AgentActivityScript {
    static let text = #"""

        (() => {
          const {el} = HX;
          const segment = location.pathname.split('/').pop() || '';
          let name = segment;
          try {
            name = decodeURIComponent(segment);
          } catch (error) {
            name = segment;
          }
          const path = 'api/v1/agents/' + encodeURIComponent(name) + '/activity';
          const rangeSelect = document.getElementById('activity-range');
          /** The most points a chart draws: buckets are added up into this many groups at most. */
          const maxPoints = 144;

          function percent(ratio) {
            return Number.isFinite(ratio) ? (ratio * 100).toFixed(ratio === 1 ? 0 : 2) + ' %' : '—';
          }

          function renderUptimes(uptime) {
            const items = [['24 h', uptime['24h']], ['7 days', uptime['7d']], ['30 days', uptime['30d']]];
            document.getElementById('uptimes').replaceChildren(...items.flatMap(([label, ratio]) => [
              el('dt', {text: 'Uptime ' + label}), el('dd', {className: 'uptime-value', text: percent(ratio),
                attrs: {'data-span': label}})]));
          }

          function renderStrip(id, data) {
            const from = Date.parse(data.from);
            const until = Date.parse(data.until);
            document.getElementById(id).replaceChildren(HXCharts.strip(data.segments, from, until,
              {width: 560, height: 18, label: 'State from ' + data.from + ' to ' + data.until}));
          }

          function renderLegend() {
            const item = (className, text) => el('span', {className: 'legend-item'},
              [el('span', {className: 'swatch ' + className}), ' ' + text]);
            document.getElementById('strip-legend').replaceChildren(
              ...HX.states.map((state) => item('seg-' + state, state)), item('seg-none', 'no data'));
          }

          /** Adds the buckets up into groups of `size` consecutive buckets over the range. */
          function groups(data) {
            const bucketMs = data.bucket_seconds * 1000;
            const from = Date.parse(data.from);
            const until = Date.parse(data.until);
            const first = Math.floor(from / bucketMs) * bucketMs;
            const count = Math.floor((until - first) / bucketMs) + 1;
            const size = Math.max(1, Math.ceil(count / maxPoints));
            const result = [];
            for (let start = first; start <= until; start += size * bucketMs) {
              result.push({t: start, ok: 0, failed: 0, cost: 0, p95: null, beats: 0, span: size * bucketMs});
            }
            for (const bucket of data.buckets) {
              const index = Math.floor((Date.parse(bucket.start) - first) / (size * bucketMs));
              const group = result[index];
              if (!group) continue;
              group.ok += bucket.tasks_succeeded;
              group.failed += bucket.tasks_failed;
              group.cost += bucket.cost_usd;
              group.beats += bucket.beats;
              if (Number.isFinite(bucket.latency_p95_seconds)) {
                group.p95 = Math.max(group.p95 ?? 0, bucket.latency_p95_seconds);
              }
            }
            return {from, until, groups: result};
          }

          function renderCharts(data) {
            const {from, until, groups: points} = groups(data);
            const chart = (id, values, options) => document.getElementById(id).replaceChildren(
              HXCharts.lineChart(values, from, until, options));
            // Both series on one axis, named in the chart's legend: what succeeded and what failed, never a total.
            document.getElementById('chart-tasks').replaceChildren(HXCharts.linesChart([
              {name: 'succeeded', className: 'line-ok', points: points.map((p) => ({t: p.t, v: p.ok, span: p.span}))},
              {name: 'failed', className: 'line-failed',
                points: points.map((p) => ({t: p.t, v: p.failed, span: p.span}))},
            ], from, until, {label: 'Tasks succeeded and failed', format: (v) => String(Math.round(v))}));
            chart('chart-failures', points.map((p) => ({t: p.t, span: p.span,
              v: p.ok + p.failed ? p.failed / (p.ok + p.failed) : null})),
              {label: 'Failure ratio', format: (v) => (v * 100).toFixed(0) + ' %', className: 'line-failed'});
            chart('chart-latency', points.map((p) => ({t: p.t, v: p.p95, span: p.span})),
              {label: 'Latency p95', format: (v) => v < 1 ? (v * 1000).toFixed(0) + ' ms' : v.toFixed(1) + ' s'});
            chart('chart-cost', points.map((p) => ({t: p.t, v: p.beats ? p.cost / (p.span / 3600000) : null, span: p.span})),
              {label: 'Cost per hour', format: (v) => '$' + v.toFixed(v < 1 ? 3 : 2)});
          }

          async function refresh() {
            const range = rangeSelect.value;
            document.getElementById('activity-api').setAttribute('href', HX.root + path + '?range=' + range);
            const [day, week, chosen] = await Promise.all([
              HX.getData(path + '?range=24h'), HX.getData(path + '?range=7d'),
              range === '24h' || range === '7d' ? null : HX.getData(path + '?range=' + range)]);
            renderUptimes(day.uptime);
            renderStrip('strip-24h', day);
            renderStrip('strip-7d', week);
            renderCharts(chosen || (range === '7d' ? week : day));
          }

          async function run() {
            try {
              await refresh();
            } catch (error) {
              if (!(error instanceof HX.APIError && error.status === 404)) {
                HX.notify('Activity could not be loaded: ' + error.message, 'error');
              }
            }
          }

          renderLegend();
          rangeSelect.addEventListener('change', run);
          run();
          setInterval(run, 60000);
        })();
        """#
}
