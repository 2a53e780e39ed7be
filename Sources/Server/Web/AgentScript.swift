import Model

/// `agent.js`: one agent's page — its details and latest metrics, kill or resume, its alerts, and its state
/// history. The agent's name is the last segment of the page's URL.
enum AgentScript {
    static let text = #"""
        'use strict';

        (() => {
          const {el} = HX;
          const name = (() => {
            const segment = location.pathname.split('/').pop() || '';
            try {
              return decodeURIComponent(segment);
            } catch (error) {
              return segment;
            }
          })();
          const path = 'api/v1/agents/' + encodeURIComponent(name);
          const button = document.getElementById('agent-action');

          function detail(term, value) {
            if (value === undefined || value === null || value === '') return [];
            return [el('dt', {text: term}), el('dd', {text: value})];
          }

          function operatorText(action) {
            if (!action) return null;
            return HX.when(action.at) + (action.by ? ' by ' + action.by : '') + (action.reason ? ': ' + action.reason : '');
          }

          function recoveryText(recovery) {
            return recovery ? 'ladder ' + recovery.ladder + ', step ' + recovery.step + ' since ' +
              HX.when(recovery.step_since) + ' (run since ' + HX.when(recovery.since) + ')' : null;
          }

          function taskErrorText(error) {
            return error ? error.message + ' (' + HX.when(error.at) + ')' : null;
          }

          function renderAgent(agent) {
            document.title = agent.agent + ' · heartbeat-exporter';
            document.getElementById('agent-name').textContent = agent.agent;
            const state = document.getElementById('agent-state');
            state.className = HX.stateClass(agent.state);
            state.textContent = HX.stateText(agent);
            const action = agent.state === 'killed' ? 'resume' : 'kill';
            button.dataset.action = action;
            button.textContent = action === 'kill' ? 'Kill' : 'Resume';
            button.className = 'action action-' + action;
            button.hidden = false;
            const labels = Object.entries(agent.labels || {}).map(([key, value]) => key + '=' + value).join(', ');
            document.getElementById('agent-details').replaceChildren(
              ...detail('Type', agent.agent_type), ...detail('Host', agent.host), ...detail('Labels', labels),
              ...detail('State since', HX.when(agent.state_since)),
              ...detail('Last heartbeat',
                HX.when(agent.last_heartbeat) + ' (' + HX.ago(agent.last_heartbeat_age_seconds) + ')'),
              ...detail('First seen', HX.when(agent.first_seen)),
              ...detail('Current task', agent.current_task), ...detail('Self-reported status', agent.status),
              ...detail('Run', agent.run_id), ...detail('Sequence', agent.seq),
              ...detail('Interval', agent.interval_seconds === undefined ? null : agent.interval_seconds + ' s'),
              ...detail('Degraded after', agent.thresholds.degraded_after_seconds + ' s'),
              ...detail('Unreachable after', agent.thresholds.unreachable_after_seconds + ' s'),
              ...detail('Recovery', recoveryText(agent.recovery)),
              ...detail('Killed', operatorText(agent.killed)), ...detail('Stopped', operatorText(agent.stopped)),
              ...detail('Last task error', taskErrorText(agent.last_task_error)));
            renderMetrics(agent.metrics || {});
          }

          function renderMetrics(metrics) {
            const shown = [
              ['Heartbeats', metrics.heartbeats_total], ['Restarts', metrics.restarts_total],
              ['Tasks succeeded', metrics.tasks_succeeded_total], ['Tasks failed', metrics.tasks_failed_total],
              ['Cost (USD)', HX.usd(metrics.cost_usd_total)],
              ['Cost per hour (USD, last 10 minutes at most)', HX.usd(metrics.cost_usd_per_hour)],
              ['Tokens', metrics.tokens_total],
              ['Errors', metrics.errors_total], ['Queue depth', metrics.queue_depth],
              ['Active tasks', metrics.active_tasks], ['Memory (bytes)', metrics.memory_bytes],
              ['Task progress',
                metrics.task_progress_ratio === undefined ? undefined : HX.percent(metrics.task_progress_ratio)],
              ['Mean task duration (s)', metrics.task_duration_seconds_count > 0 ?
                (metrics.task_duration_seconds_sum / metrics.task_duration_seconds_count).toFixed(3) : undefined],
            ];
            document.getElementById('metric-rows').replaceChildren(...shown
              .filter(([, value]) => value !== undefined)
              .map(([label, value]) => el('tr', {}, [el('th', {text: label}), el('td', {className: 'number', text: value})])));
          }

          function badge(state) {
            return el('span', {className: HX.stateClass(state), text: state});
          }

          function renderHistory(transitions) {
            document.getElementById('history-rows').replaceChildren(...transitions.slice().reverse().map((transition) =>
              el('tr', {}, [
                el('td', {text: HX.when(transition.at)}),
                el('td', {}, transition.from ? [badge(transition.from)] : []),
                el('td', {}, [badge(transition.to)]),
                el('td', {text: transition.reason}),
              ])));
          }

          async function refresh() {
            let agent;
            let history;
            try {
              [agent, history] = await Promise.all([HX.getData(path), HX.getData(path + '/history')]);
            } catch (error) {
              if (error.status !== 404) throw error;
              document.getElementById('agent-name').textContent = name;
              button.hidden = true;
              HX.notify('Unknown agent "' + name + '": the exporter does not know it (never seen, or deleted).', 'error');
              return;
            }
            renderAgent(agent);
            renderHistory(history);
            const alerts = await HX.loadAlerts();
            HX.renderAlerts(alerts.filter((entry) => (entry.alert.labels || {}).agent === name));
          }

          button.addEventListener('click', async () => {
            button.disabled = true;
            try {
              if (await HX.act(name, button.dataset.action)) await refresh();
            } finally {
              button.disabled = false;
            }
          });
          HX.setupToken();
          HX.every(refresh);
        })();
        """#
}
