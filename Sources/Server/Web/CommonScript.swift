/// `common.js`: what both pages share — API calls, the admin token, kill and resume, alert rendering, and
/// small formatters. Data only ever reaches the page through `textContent` and `setAttribute`.
enum CommonScript {
    static let text = #"""
        'use strict';

        /** Shared helpers of the status pages, as one global namespace. */
        const HX = (() => {
          const root = document.body.dataset.root || './';
          const tokenKey = 'heartbeat-exporter.admin-token';
          const states = ['healthy', 'degraded', 'unreachable', 'missing', 'recovering', 'maintenance', 'killed', 'stopped'];
          const refreshMilliseconds = 5000;

          /** A failed API call: the HTTP status (0 when the exporter was not reached) and what the server said. */
          class APIError extends Error {
            constructor(status, message) {
              super(message);
              this.status = status;
            }
          }

          /** Fetches `path` (relative to the exporter's root) and returns the parsed JSON body. */
          async function getJSON(path) {
            let response;
            try {
              response = await fetch(root + path, {headers: {Accept: 'application/json'}, cache: 'no-store'});
            } catch (error) {
              throw new APIError(0, 'the exporter cannot be reached (' + error.message + ')');
            }
            const body = await response.json().catch(() => null);
            if (!response.ok) throw new APIError(response.status, serverMessage(response, body));
            return body;
          }

          /** `data` of a Prometheus-style envelope. */
          async function getData(path) {
            return (await getJSON(path)).data;
          }

          function serverMessage(response, body) {
            if (body && typeof body.error === 'string') return body.error;
            return response.status + ' ' + response.statusText;
          }

          /** Creates an element; `props` may set `className`, `text`, `title` and attributes (`attrs`). */
          function el(tag, props = {}, children = []) {
            const node = document.createElement(tag);
            if (props.className) node.className = props.className;
            if (props.text !== undefined && props.text !== null) node.textContent = String(props.text);
            if (props.title) node.title = props.title;
            for (const [name, value] of Object.entries(props.attrs || {})) node.setAttribute(name, value);
            for (const child of children) node.append(child);
            return node;
          }

          /** The CSS class of a state badge; unknown states get no colour. */
          function stateClass(state) {
            return states.includes(state) ? 'state state-' + state : 'state';
          }

          /** The state as a badge shows it: `recovering: restart` names the ladder's step. */
          function stateText(agent) {
            return agent.state === 'recovering' && agent.recovery ? 'recovering: ' + agent.recovery.step : agent.state;
          }

          /**
           * The operator action the agent's button offers: `resume` when killed, `kill` otherwise, and none for an
           * agent that is missing (expected and never seen: it has no process to kill).
           */
          function operatorAction(agent) {
            if (agent.state === 'killed') return 'resume';
            return agent.state === 'missing' ? null : 'kill';
          }

          /** `12 s ago`, `3 min ago`, `2 h ago`, `4 d ago`. */
          function ago(seconds) {
            if (!Number.isFinite(seconds)) return '—';
            const s = Math.max(0, Math.floor(seconds));
            if (s < 120) return s + ' s ago';
            if (s < 7200) return Math.floor(s / 60) + ' min ago';
            if (s < 172800) return Math.floor(s / 3600) + ' h ago';
            return Math.floor(s / 86400) + ' d ago';
          }

          /**
           * An RFC 3339 time, or a time in ms, to the second in UTC, as the charts' hovers say it: `2026-01-02 10:05:07Z`;
           * `—` when there is none.
           */
          function when(text) {
            const date = new Date(text);
            if (text === null || text === undefined || Number.isNaN(date.getTime())) return '—';
            return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
          }

          /** Dollars with four decimals always, so a column of costs lines up: `0.0030`, `12.4500`. */
          function usd(value) {
            return Number.isFinite(value) ? value.toFixed(4) : '—';
          }

          /** A sample value as people read it: integers whole, others to 4 significant digits (`0.9897`, `1235`). */
          function number(value) {
            if (!Number.isFinite(value)) return String(value);
            if (Number.isInteger(value)) return String(value);
            return String(Number(value.toPrecision(Math.max(4, Math.floor(Math.log10(Math.abs(value))) + 1))));
          }

          function percent(ratio) {
            return Number.isFinite(ratio) ? Math.round(ratio * 100) + ' %' : '—';
          }

          /** Puts a message above the page: `kind` is `info` or `error`; errors stay until the next action. */
          function notify(text, kind = 'info') {
            const box = document.getElementById('messages');
            box.replaceChildren(el('p', {className: 'message message-' + kind, text}));
            box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
          }

          /** Shows whether the last refresh worked. */
          function connection(error) {
            const line = document.getElementById('connection');
            if (error) {
              line.textContent = 'Refresh failed: ' + error.message + ' (showing the last data received).';
              line.className = 'connection-error';
            } else {
              line.textContent = 'Updated ' + when(Date.now()).slice(11) + '; refreshes every 5 s.';
              line.className = 'muted';
            }
          }

          /** Wires the admin token field; the token lives in this tab's sessionStorage only. */
          function setupToken() {
            const input = document.getElementById('admin-token');
            const status = document.getElementById('token-status');
            const show = () => {
              status.textContent = sessionStorage.getItem(tokenKey) ? 'token set for this tab' : 'no token';
            };
            const save = () => {
              const token = input.value.trim();
              if (token) sessionStorage.setItem(tokenKey, token); else sessionStorage.removeItem(tokenKey);
              input.value = '';
              show();
            };
            document.getElementById('token-save').addEventListener('click', save);
            input.addEventListener('keydown', (event) => { if (event.key === 'Enter') save(); });
            document.getElementById('token-forget').addEventListener('click', () => {
              sessionStorage.removeItem(tokenKey);
              show();
            });
            show();
          }

          /** What to tell the operator when an admin call is refused. */
          function refusal(error) {
            if (error.status === 401) {
              return 'Refused (401 Unauthorized): ' + error.message +
                '. This exporter needs its admin token: enter it in the "Admin token" field above.';
            }
            if (error.status === 403) {
              return 'Refused (403 Forbidden): ' + error.message +
                '. Without --web.admin-token-file, admin actions work only from the exporter\'s own host.';
            }
            return 'Failed: ' + error.message;
          }

          /** Kills (after a confirmation) or resumes `agent`; resolves to whether it was done. */
          async function act(agent, action) {
            if (action === 'kill' && !window.confirm('Kill agent ' + agent + '? It is told to stop at its next heartbeat.')) {
              return false;
            }
            const headers = {'Content-Type': 'application/json', Accept: 'application/json'};
            const token = sessionStorage.getItem(tokenKey);
            if (token) headers['X-Heartbeat-Token'] = token;  // beside the browser's basic auth, if any
            const path = root + 'api/v1/agents/' + encodeURIComponent(agent) + '/' + action;
            try {
              const response = await fetch(path, {method: 'POST', headers, body: JSON.stringify({by: 'status page'})});
              const body = await response.json().catch(() => null);
              if (!response.ok) throw new APIError(response.status, serverMessage(response, body));
              notify((action === 'kill' ? 'Killed ' : 'Resumed ') + agent + '.');
              return true;
            } catch (error) {
              notify(refusal(error), 'error');
              return false;
            }
          }

          /** Whether every label of `subset` has the same value in `labels`. */
          function contains(labels, subset) {
            return Object.entries(subset).every(([name, value]) => labels[name] === value);
          }

          /** Until when (ms since the epoch) an optional endpoint that answered 404 is not asked again. */
          const missingUntil = new Map();

          /**
           * Fetches an endpoint the exporter may not serve (Alertmanager's API v2): null when it answers 404, and then
           * for a minute without asking again.
           */
          async function getOptional(path) {
            if ((missingUntil.get(path) || 0) > Date.now()) return null;
            try {
              return await getJSON(path);
            } catch (error) {
              if (error.status !== 404) throw error;
              missingUntil.set(path, Date.now() + 60000);
              return null;
            }
          }

          /** Loads pending and firing alerts, and, when the exporter serves Alertmanager's API, their silencing. */
          async function loadAlerts() {
            const alerts = (await getData('api/v1/alerts')).alerts || [];
            const routed = await getOptional('api/v2/alerts').catch(() => null);
            return alerts.map((alert) => {
              const match = Array.isArray(routed) ? routed.find((other) => contains(other.labels || {}, alert.labels)) : null;
              return {alert, status: match ? match.status : null};
            });
          }

          /** The alert's state, why Alertmanager's API says it is suppressed when it is, and who acknowledged it. */
          function alertStatusText(alert, status) {
            const ack = status && status.acknowledgedBy;
            const acknowledged = ack ? ', acknowledged by ' + ack.createdBy + ' ' + when(ack.createdAt) +
              (ack.comment ? ': ' + ack.comment : '') : '';
            if (!status || status.state !== 'suppressed') return alert.state + acknowledged;
            const reasons = [];
            const silencedBy = status.silencedBy || [];
            const named = (prefix) => silencedBy.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
            const killed = named('killed:');
            const recovering = named('recovery:');
            const maintained = named('maintenance:');
            const roots = named('dependency:');
            const silences = silencedBy.filter((id) => !id.startsWith('killed:') && !id.startsWith('recovery:') &&
              !id.startsWith('maintenance:') && !id.startsWith('dependency:'));
            if (killed.length) reasons.push('agent ' + killed.join(', ') + ' killed');
            if (maintained.length) reasons.push('agent ' + maintained.join(', ') + ' in maintenance');
            if (roots.length) reasons.push('its dependency ' + roots.join(', ') + ' is down');
            if (recovering.length) reasons.push('held while ' + recovering.join(', ') + ' recovers');
            if (silences.length) reasons.push('silenced by ' + silences.join(', '));
            if ((status.inhibitedBy || []).length) reasons.push('inhibited');
            return alert.state + ', suppressed' + (reasons.length ? ' (' + reasons.join('; ') + ')' : '') + acknowledged;
          }

          /** Fills the alerts table with `entries` from ``loadAlerts``, firing first. */
          function renderAlerts(entries) {
            const rows = document.getElementById('alert-rows');
            const table = document.getElementById('alerts-table');
            const status = document.getElementById('alerts-status');
            const order = {firing: 0, pending: 1};
            entries.sort((a, b) => (order[a.alert.state] ?? 2) - (order[b.alert.state] ?? 2) ||
              String(a.alert.labels.alertname).localeCompare(String(b.alert.labels.alertname)));
            rows.replaceChildren(...entries.map(({alert, status: routing}) => {
              const labels = alert.labels || {};
              const agentCell = el('td');
              if (labels.agent) agentCell.append(agentLink(labels.agent));
              return el('tr', {className: 'alert-' + (alert.state === 'firing' ? 'firing' : 'pending')}, [
                el('td', {text: labels.alertname}),
                agentCell,
                el('td', {text: labels.severity || ''}),
                el('td', {text: (alert.annotations || {}).summary || ''}),
                el('td', {text: when(alert.activeAt)}),
                el('td', {text: alertStatusText(alert, routing)}),
              ]);
            }));
            table.hidden = entries.length === 0;
            const firing = entries.filter((entry) => entry.alert.state === 'firing').length;
            status.textContent = entries.length === 0 ? 'No alert is pending or firing.' :
              firing + ' firing, ' + (entries.length - firing) + ' pending.';
          }

          /** A link to an agent's page. */
          function agentLink(agent) {
            return el('a', {text: agent, attrs: {href: root + 'agents/' + encodeURIComponent(agent)}});
          }

          /** Runs `refresh` now and every 5 s (never two at once), and again when the tab becomes visible. */
          function every(refresh) {
            let running = false;
            const run = async () => {
              if (running) return;
              running = true;
              try {
                await refresh();
                connection(null);
              } catch (error) {
                connection(error);
              } finally {
                running = false;
              }
            };
            run();
            setInterval(run, refreshMilliseconds);
            document.addEventListener('visibilitychange', () => { if (!document.hidden) run(); });
            return run;
          }

          return {
            root, states, APIError, getJSON, getData, getOptional, el, stateClass, stateText, ago, when, usd, number,
            percent, notify, operatorAction, setupToken, act, loadAlerts, renderAlerts, agentLink, every,
          };
        })();
        """#
}
