/// `fleet.js`: the fleet page — summary per state, the agent table with its state filter and name search,
/// kill and resume, rejected heartbeats (when there are some), firing alerts and active silences. Rows are updated in place, keyed by agent name; at most
/// 500 are in the table at once.
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
            const suffix = query.toString();
            history.replaceState(null, '', suffix ? '?' + suffix : location.pathname);
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
              seen: el('td', {className: 'seen'}),
              task: el('td', {className: 'task'}),
              progress: el('td', {className: 'progress'}),
              cost: el('td', {className: 'number cost'}),
              costRate: el('td', {className: 'number cost-rate'}),
              action: el('td', {}, [button]),
            };
            const tr = el('tr', {attrs: {'data-agent': name}}, Object.values(cells));
            const row = {tr, cells, button, agent: null};
            rows.set(name, row);
            return row;
          }

          function updateRow(row, agent) {
            const {cells, button} = row;
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
            const action = agent.state === 'killed' ? 'resume' : 'kill';
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
              ' (the first ' + maxRows + ' by name of ' + matching.length + ' that match: narrow with the filter or search)';
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
            order = (data.agents || []).map((agent) => agent.agent).sort((a, b) => a.localeCompare(b));
            const seen = new Set(order);
            for (const agent of data.agents || []) updateRow(rows.get(agent.agent) || createRow(agent.agent), agent);
            for (const [name, row] of rows) {
              if (!seen.has(name)) {
                row.tr.remove();
                rows.delete(name);
              }
            }
            renderSummary(data.summary || {});
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
            renderRejections(rejections);
            HX.renderAlerts(alerts);
            await refreshSilences();
          }

          readFilterFromURL();
          stateFilter.addEventListener('change', filterChanged);
          search.addEventListener('input', filterChanged);
          HX.setupToken();
          setInterval(tick, 1000);
          HX.every(refresh);
        })();
        """#
}
