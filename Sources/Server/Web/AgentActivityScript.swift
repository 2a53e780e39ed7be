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

          /** How many 5-minute buckets a chart's point adds up: the finest of these that keeps a chart to 300 points. */
          const groupSizes = [1, 3, 6, 12, 24, 36, 72, 144];
          const maxPoints = 300;

          /** `5 min`, `15 min`, `1 h`, `6 h`: the span of one point, as the captions say it. */
          function spanLabel(ms) {
            return ms < 3600000 ? ms / 60000 + ' min' : ms / 3600000 + ' h';
          }

          /**
           * Adds the buckets up into groups of consecutive buckets over the range (aligned to the clock, so a group
           * keeps its bounds from one refresh to the next). A group that ended before the agent was first seen has no
           * value (drawn as nothing, not as 0); the group still under way is `partial`.
           */
          function groups(data) {
            const bucketMs = data.bucket_seconds * 1000;
            const from = Date.parse(data.from);
            const until = Date.parse(data.until);
            const count = Math.floor((until - from) / bucketMs) + 1;
            const size = groupSizes.find((candidate) => count / candidate <= maxPoints) ||
              groupSizes[groupSizes.length - 1];
            const span = size * bucketMs;
            const first = Math.floor(from / span) * span;
            const firstState = (data.segments || [])[0];
            const seenFrom = firstState ? Date.parse(firstState.start) : until;
            const result = [];
            for (let start = first; start <= until; start += span) {
              result.push({t: start, ok: 0, failed: 0, cost: 0, p95: null, beats: 0, span,
                seen: start + span > seenFrom, partial: start + span > until});
            }
            for (const bucket of data.buckets) {
              const group = result[Math.floor((Date.parse(bucket.start) - first) / span)];
              if (!group) continue;
              group.seen = true;
              group.ok += bucket.tasks_succeeded;
              group.failed += bucket.tasks_failed;
              group.cost += bucket.cost_usd;
              group.beats += bucket.beats;
              if (Number.isFinite(bucket.latency_p95_seconds)) {
                group.p95 = Math.max(group.p95 ?? 0, bucket.latency_p95_seconds);
              }
            }
            return {from, until, span, groups: result};
          }

          function renderCharts(data) {
            const {from, until, span, groups: points} = groups(data);
            const per = spanLabel(span);
            const caption = (id, text) => { document.getElementById(id).textContent = text; };
            caption('caption-tasks', 'Tasks succeeded and failed, per ' + per);
            caption('caption-failures', 'Failure ratio, per ' + per);
            caption('caption-latency', 'Task latency p95 (estimate), per ' + per);
            caption('caption-cost', 'Cost (USD per hour), per ' + per);
            const point = (p, v) => ({t: p.t, span: p.span, partial: p.partial, v: p.seen ? v : null});
            const chart = (id, values, options) => document.getElementById(id).replaceChildren(
              HXCharts.lineChart(values, from, until, options));
            // Both series on one axis, named in the chart's legend: what succeeded and what failed, never a total.
            document.getElementById('chart-tasks').replaceChildren(HXCharts.linesChart([
              {name: 'succeeded', className: 'line-ok', points: points.map((p) => point(p, p.ok))},
              {name: 'failed', className: 'line-failed', points: points.map((p) => point(p, p.failed))},
            ], from, until, {label: 'Tasks succeeded and failed per ' + per, format: (v) => String(Math.round(v))}));
            chart('chart-failures', points.map((p) => point(p, p.ok + p.failed ? p.failed / (p.ok + p.failed) : null)),
              {label: 'Failure ratio', format: (v) => (v * 100).toFixed(0) + ' %', className: 'line-failed'});
            chart('chart-latency', points.map((p) => point(p, p.p95)),
              {label: 'Latency p95', format: (v) => v < 1 ? (v * 1000).toFixed(0) + ' ms' : v.toFixed(1) + ' s'});
            // Per hour of the group, or of its part gone by when it is under way, so the last point is no drop.
            const hours = (p) => (p.partial ? Math.max(60000, until - p.t) : p.span) / 3600000;
            chart('chart-cost', points.map((p) => point(p, p.beats ? p.cost / hours(p) : null)),
              {label: 'Cost per hour', format: (v) => '$' + v.toFixed(4)});
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
