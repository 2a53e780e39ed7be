/// `fleet.js`: the fleet page — summary per state, the agent table with its state filter and name search,
/// kill and resume, rejected heartbeats (when there are some), firing alerts and active silences. Rows are updated in place, keyed by agent name; at most
/// 500 are in the table at once. Columns sort on a click (problems first by default, names in natural order); each
/// row shows its last 24 hours (state strip, uptime, tasks per 5 minutes), fetched with `GET /api/v1/activity` for
/// the rows on screen only, in one request per round.
enum FleetScript {
    static let text = #"""
        'use strict';

        (() => {
          const {el} = HX;
          const tbody = document.getElementById('fleet-rows');
          const stateFilter = document.getElementById('state-filter');
          const search = document.getElementById('search');
          /** The table's rows by agent name: `{tr, cells, agent}`, `agent` being the last JSON seen. */
          const rows = new Map();
          /** When the last fleet list arrived (performance.now()), to age "last seen" between refreshes. */
          let receivedAt = performance.now();

          function readFilterFromURL() {
            const query = new URLSearchParams(location.search);
            if (HX.states.includes(query.get('state'))) stateFilter.value = query.get('state');
            search.value = query.get('q') || '';
          }

          /** Keeps the filter in the URL, so a filtered view can be bookmarked or shared. */
          function writeFilterToURL() {
            const query = new URLSearchParams();
            if (stateFilter.value) query.set('state', stateFilter.value);
            if (search.value.trim()) query.set('q', search.value.trim());
            if (sort.key !== 'problems' || sort.direction !== 1) {
              query.set('sort', sort.key + (sort.direction < 0 ? ':desc' : ''));
            }
            const suffix = query.toString();
            history.replaceState(null, '', suffix ? '?' + suffix : location.pathname);
          }

          /** How much a state needs a look: problems first. */
          const severity = {unreachable: 0, missing: 1, degraded: 2, recovering: 3, killed: 4, maintenance: 5,
            stopped: 6, healthy: 7};
          /** The sort: a column key and a direction (1 or -1); `problems` puts the worst states first. */
          let sort = {key: 'problems', direction: 1};
          const sortKeys = {
            problems: (row) => [severity[row.agent.state] ?? 9],
            name: (row) => [row.agent.agent],
            type: (row) => [row.agent.agent_type || ''],
            state: (row) => [row.agent.state],
            uptime: (row) => [activityOf(row.agent.agent)?.uptime_ratio ?? -1],
            seen: (row) => [row.agent.last_heartbeat_age_seconds ?? Infinity],
            cost: (row) => [row.agent.metrics.cost_usd_total ?? 0],
            rate: (row) => [row.agent.metrics.cost_usd_per_hour ?? 0],
          };

          function compareKeys(a, b) {
            for (let index = 0; index < a.length; index++) {
              const x = a[index];
              const y = b[index];
              if (x === y) continue;
              if (typeof x === 'string') return HXCharts.naturalCompare(x, y);
              return x < y ? -1 : 1;
            }
            return 0;
          }

          /** Orders `order` by the chosen column, then by name in natural order. */
          function sortOrder() {
            const key = sortKeys[sort.key] || sortKeys.problems;
            const keyed = order.map((name) => ({name, key: rows.get(name) ? key(rows.get(name)) : []}));
            keyed.sort((a, b) => sort.direction * compareKeys(a.key, b.key) || HXCharts.naturalCompare(a.name, b.name));
            order = keyed.map((entry) => entry.name);
            for (const header of document.querySelectorAll('th[data-sort]')) {
              const active = header.dataset.sort === sort.key;
              header.setAttribute('aria-sort', active ? (sort.direction > 0 ? 'ascending' : 'descending') : 'none');
            }
          }

          function setupSorting() {
            const query = new URLSearchParams(location.search);
            const [key, direction] = (query.get('sort') || '').split(':');
            if (sortKeys[key]) sort = {key, direction: direction === 'desc' ? -1 : 1};
            for (const header of document.querySelectorAll('th[data-sort]')) {
              const button = el('button', {className: 'sort', attrs: {type: 'button'}}, [...header.childNodes]);
              header.replaceChildren(button);
              button.addEventListener('click', () => {
                const key = header.dataset.sort;
                sort = sort.key === key ? {key, direction: -sort.direction} : {key, direction: 1};
                sortOrder();
                writeFilterToURL();
                applyFilter();
              });
            }
            sortOrder();
          }

          /** Activity of the last 24 hours by agent: `{data, at}` (performance.now() when fetched). */
          const activity = new Map();
          let activityWindow = null;
          const activityMaxAge = 60000;
          /** Rows on screen (or near it), by agent name. */
          const onScreen = new Set();
          const visibility = new IntersectionObserver((entries) => {
            for (const entry of entries) {
              const name = entry.target.dataset.agent;
              if (entry.isIntersecting) onScreen.add(name); else onScreen.delete(name);
            }
            scheduleActivity();
          }, {rootMargin: '300px 0px'});

          function activityOf(name) {
            return activity.get(name)?.data;
          }

          let activityTimer = null;
          function scheduleActivity() {
            if (activityTimer) return;
            activityTimer = setTimeout(() => {
              activityTimer = null;
              loadActivity().catch((error) => HX.notify('Activity could not be loaded: ' + error.message, 'error'));
            }, 150);
          }

          /** Fetches, in one request, the activity of the rows on screen whose copy is missing or older than a minute. */
          async function loadActivity() {
            const now = performance.now();
            const shown = new Set(shownRows.map((row) => row.agent.agent));
            const wanted = [...onScreen].filter((name) => shown.has(name) &&
              (!activity.has(name) || now - activity.get(name).at > activityMaxAge)).slice(0, 200);
            if (!wanted.length) return;
            const query = new URLSearchParams({range: '24h'});
            for (const name of wanted) query.append('agent', name);
            const data = await HX.getData('api/v1/activity?' + query.toString());
            activityWindow = {from: Date.parse(data.from), until: Date.parse(data.until),
              firstBucket: Date.parse(data.first_bucket), bucketMs: data.bucket_seconds * 1000};
            for (const name of wanted) {
              activity.set(name, {data: data.agents[name] || null, at: now});
              const row = rows.get(name);
              if (row) renderActivity(row);
            }
            if (sort.key === 'uptime') {
              sortOrder();
              applyFilter();
            }
          }

          function renderActivity(row) {
            const data = activityOf(row.agent.agent);
            if (!data || !activityWindow) return;
            const {cells} = row;
            cells.strip.replaceChildren(HXCharts.strip(data.segments, activityWindow.from, activityWindow.until,
              {label: 'State over the last 24 hours'}));
            const ratio = data.uptime_ratio;
            cells.uptime.textContent = Number.isFinite(ratio) ? (ratio * 100).toFixed(ratio === 1 ? 0 : 2) + ' %' : '—';
            const firstState = (data.segments || [])[0];
            const seenFrom = firstState ? Date.parse(firstState.start) : activityWindow.until;
            cells.tasks.replaceChildren(HXCharts.sparkline(data.tasks_succeeded, data.tasks_failed,
              activityWindow.firstBucket, activityWindow.bucketMs, {seenFrom}));
          }

          /** The fleet's charts: agents per state at each 5-minute boundary and the cost per hour, last 24 hours. */
          async function refreshFleetCharts() {
            const data = await HX.getData('api/v1/activity/fleet');
            const bucketMs = data.bucket_seconds * 1000;
            const to = Date.now();
            const points = data.points.map((point) => ({t: Date.parse(point.start), states: point.states,
              cost: point.cost_usd}));
            // From the first point (at most a day back): nothing is drawn before the data starts.
            const from = points.length ? Math.max(to - 24 * 3600 * 1000, Math.min(...points.map((p) => p.t))) :
              to - bucketMs;
            document.getElementById('fleet-states').replaceChildren(HXCharts.stateBars(
              points.filter((point) => point.states), from, to, HX.states, {bucketMs}));
            document.getElementById('fleet-cost').replaceChildren(HXCharts.lineChart(
              points.map((point) => ({t: point.t, v: point.cost * 3600000 / bucketMs, span: bucketMs})), from, to,
              {label: 'Fleet cost per hour', format: (v) => '$' + HX.usd(v)}));
          }

          function matches(agent) {
            const needle = search.value.trim().toLowerCase();
            return (!stateFilter.value || agent.state === stateFilter.value) &&
              (!needle || agent.agent.toLowerCase().includes(needle));
          }

          function createRow(name) {
            const button = el('button', {className: 'action', attrs: {type: 'button'}});
            button.addEventListener('click', () => act(name, button));
            const cells = {
              name: el('td', {className: 'agent', title: name}, [HX.agentLink(name)]),
              type: el('td', {className: 'type'}),
              state: el('td', {className: 'state-cell'}, [el('span')]),
              strip: el('td', {className: 'strip-cell'}),
              uptime: el('td', {className: 'number uptime'}),
              tasks: el('td', {className: 'spark-cell'}),
              seen: el('td', {className: 'seen'}),
              task: el('td', {className: 'task'}),
              progress: el('td', {className: 'progress'}),
              cost: el('td', {className: 'number cost'}),
              costRate: el('td', {className: 'number cost-rate'}),
              action: el('td', {}, [button]),
            };
            // A missing agent (expected, never seen) has nothing to kill: a dash instead of the button.
            const noAction = el('span', {className: 'no-action', text: '—'});
            cells.action.append(noAction);
            const tr = el('tr', {attrs: {'data-agent': name}}, Object.values(cells));
            const row = {tr, cells, button, noAction, agent: null};
            rows.set(name, row);
            visibility.observe(tr);
            return row;
          }

          function updateRow(row, agent) {
            const {cells, button, noAction} = row;
            row.agent = agent;
            row.tr.setAttribute('data-state', agent.state);
            cells.type.textContent = agent.agent_type || '';
            const badge = cells.state.firstChild;
            badge.className = HX.stateClass(agent.state);
            badge.textContent = agent.state;
            // The column is narrow: the ladder's step shows on hover (and on the agent's page).
            badge.title = agent.state === 'recovering' ? HX.stateText(agent) : '';
            cells.task.textContent = agent.current_task || '';
            cells.task.title = agent.current_task || '';
            const ratio = agent.metrics.task_progress_ratio;
            cells.progress.replaceChildren(...(Number.isFinite(ratio) ?
              [el('progress', {attrs: {max: '1', value: String(ratio)}}), ' ' + HX.percent(ratio)] : []));
            cells.cost.textContent = HX.usd(agent.metrics.cost_usd_total);
            cells.costRate.textContent = HX.usd(agent.metrics.cost_usd_per_hour);
            const action = HX.operatorAction(agent);
            button.hidden = !action;
            noAction.hidden = !!action;
            if (!action) return;
            button.dataset.action = action;
            button.textContent = action === 'kill' ? 'Kill' : 'Resume';
            button.className = 'action action-' + action;
          }

          /** The most rows in the table: a browser lays out thousands of rows slowly, so larger fleets are narrowed. */
          const maxRows = 500;
          /** Agent names in table order (by name), from the last list received. */
          let order = [];
          /** The rows in the table now, in order. */
          let shownRows = [];

          /** Ages the "last seen" column of the rows shown by the time passed since the list arrived. */
          function tick() {
            const elapsed = (performance.now() - receivedAt) / 1000;
            for (const row of shownRows) {
              const text = HX.ago(row.agent.last_heartbeat_age_seconds + elapsed);
              if (row.cells.seen.textContent !== text) row.cells.seen.textContent = text;
            }
          }

          /**
           * Puts the rows the filter and search let through in the table (the first `maxRows` by name), in order, moving
           * only rows that are new or out of place, and says how many are shown.
           */
          function applyFilter() {
            const matching = order.map((name) => rows.get(name)).filter((row) => matches(row.agent));
            shownRows = matching.slice(0, maxRows);
            let previous = null;
            for (const row of shownRows) {
              const expected = previous ? previous.nextSibling : tbody.firstChild;
              if (row.tr !== expected) tbody.insertBefore(row.tr, expected);
              previous = row.tr;
            }
            const firstStale = () => (previous ? previous.nextSibling : tbody.firstChild);
            for (let stale = firstStale(); stale; stale = firstStale()) stale.remove();
            const more = matching.length <= maxRows ? '' :
              ' (the first ' + maxRows + ' in this order of ' + matching.length + ' that match: narrow with the filter or search)';
            scheduleActivity();
            document.getElementById('shown-count').textContent = shownRows.length + ' of ' + rows.size + ' agents shown' + more;
            const empty = document.getElementById('fleet-empty');
            empty.hidden = shownRows.length > 0;
            empty.textContent = rows.size === 0 ? 'No agent has sent a heartbeat yet.' : 'No agent matches the filter.';
            tick();
          }

          function renderSummary(summary) {
            const items = HX.states.map((state) => {
              const button = el('button', {className: 'summary-item ' + HX.stateClass(state),
                attrs: {type: 'button', 'data-state': state, 'aria-pressed': String(stateFilter.value === state)}},
              [el('span', {className: 'count', text: summary[state] ?? 0}), ' ' + state]);
              button.addEventListener('click', () => {
                stateFilter.value = stateFilter.value === state ? '' : state;
                filterChanged();
              });
              return button;
            });
            items.push(el('span', {className: 'summary-total', text: (summary.total ?? 0) + ' agents'}));
            document.getElementById('summary').replaceChildren(...items);
          }

          function renderFleet(data) {
            receivedAt = performance.now();
            order = (data.agents || []).map((agent) => agent.agent);
            const seen = new Set(order);
            for (const agent of data.agents || []) updateRow(rows.get(agent.agent) || createRow(agent.agent), agent);
            for (const [name, row] of rows) {
              if (!seen.has(name)) {
                row.tr.remove();
                rows.delete(name);
              }
            }
            renderSummary(data.summary || {});
            sortOrder();
            applyFilter();
          }

          function matcherText(matcher) {
            const equal = matcher.isEqual !== false;
            const operator = matcher.isRegex ? (equal ? '=~' : '!~') : (equal ? '=' : '!=');
            return matcher.name + operator + JSON.stringify(matcher.value);
          }

          /** Active silences from Alertmanager's API v2, or a note that this exporter does not serve it. */
          async function refreshSilences() {
            const status = document.getElementById('silences-status');
            const table = document.getElementById('silences-table');
            let silences;
            try {
              silences = await HX.getOptional('api/v2/silences');
            } catch (error) {
              status.textContent = 'Silences could not be loaded: ' + error.message;
              return;
            }
            if (!Array.isArray(silences)) {
              table.hidden = true;
              status.textContent = 'Silences unavailable: this exporter does not serve /api/v2/silences.';
              return;
            }
            const active = silences.filter((silence) => silence.status && silence.status.state === 'active');
            active.sort((a, b) => String(a.endsAt).localeCompare(String(b.endsAt)));
            document.getElementById('silence-rows').replaceChildren(...active.map((silence) => el('tr', {}, [
              el('td', {className: 'matchers', text: (silence.matchers || []).map(matcherText).join(', ')}),
              el('td', {text: HX.when(silence.endsAt)}),
              el('td', {text: silence.createdBy || ''}),
              el('td', {text: silence.comment || ''}),
              el('td', {className: 'muted', text: silence.id || ''}),
            ])));
            table.hidden = active.length === 0;
            status.textContent = active.length === 0 ? 'No active silence.' : active.length + ' active.';
          }

          /** Refused heartbeats, newest first; the section shows only while there are some. */
          function renderRejections(data) {
            const entries = (data && data.rejections) || [];
            document.getElementById('rejections').hidden = entries.length === 0;
            document.getElementById('rejection-rows').replaceChildren(...entries.map((entry) => el('tr', {}, [
              entry.agent ? el('td', {className: 'agent', text: entry.agent}) :
                el('td', {className: 'muted', text: 'unknown'}),
              el('td', {text: entry.reason}),
              el('td', {className: 'number', text: entry.count}),
              el('td', {text: HX.when(entry.last_at)}),
              el('td', {className: 'error-text', text: entry.last_error}),
            ])));
          }

          async function act(name, button) {
            button.disabled = true;
            try {
              if (await HX.act(name, button.dataset.action)) await refresh();
            } finally {
              button.disabled = false;
            }
          }

          function filterChanged() {
            writeFilterToURL();
            applyFilter();
            for (const item of document.querySelectorAll('.summary-item')) {
              item.setAttribute('aria-pressed', String(item.dataset.state === stateFilter.value));
            }
          }

          async function refresh() {
            const [fleet, alerts, rejections] = await Promise.all(
              [HX.getData('api/v1/agents'), HX.loadAlerts(), HX.getData('api/v1/rejections')]);
            renderFleet(fleet);
            for (const row of shownRows) renderActivity(row);
            renderRejections(rejections);
            HX.renderAlerts(alerts);
            await refreshSilences();
          }

          readFilterFromURL();
          setupSorting();
          stateFilter.addEventListener('change', filterChanged);
          search.addEventListener('input', filterChanged);
          HX.setupToken();
          setInterval(tick, 1000);
          HX.every(refresh);
          const fleetCharts = () => refreshFleetCharts().catch(
            (error) => HX.notify('Fleet charts could not be loaded: ' + error.message, 'error'));
          fleetCharts();
          setInterval(fleetCharts, 60000);
        })();
        """#
}
