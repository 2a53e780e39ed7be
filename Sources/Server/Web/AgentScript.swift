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

          /** A term whose value is agents, each a link to its page; nothing when there are none. */
          function agentsDetail(term, names) {
            if (!names || names.length === 0) return [];
            const links = names.flatMap((name, index) => index === 0 ? [HX.agentLink(name)] : [', ', HX.agentLink(name)]);
            return [el('dt', {text: term}), el('dd', {className: 'dependencies'}, links)];
          }

          /** The dependency graph around the agent: what it depends on, who depends on it, who mutes it. */
          function dependencyDetails(dependencies) {
            if (!dependencies) return [];
            return [
              ...agentsDetail('Depends on', dependencies.depends_on),
              ...agentsDetail('Dependents', dependencies.dependents),
              ...agentsDetail('Alerts muted by the dependency', dependencies.root_cause ? [dependencies.root_cause] : []),
              ...agentsDetail('Mutes the alerts of', dependencies.muting),
            ];
          }

          function operatorText(action) {
            if (!action) return null;
            return HX.when(action.at) + (action.by ? ' by ' + action.by : '') + (action.reason ? ': ' + action.reason : '');
          }

          function recoveryText(recovery) {
            return recovery ? 'ladder ' + recovery.ladder + ', step ' + recovery.step + ' since ' +
              HX.when(recovery.step_since) + ' (run since ' + HX.when(recovery.since) + ')' : null;
          }

          function scheduleText(schedule) {
            return schedule ? schedule.cron + ' (' + schedule.timezone + '), grace ' + schedule.grace_seconds +
              ' s; next run ' + HX.when(schedule.next_run) + ', late from ' + HX.when(schedule.late_at) : null;
          }

          function runText(run) {
            if (!run) return null;
            return 'running since ' + HX.when(run.started_at) +
              (run.max_runtime_seconds === undefined ? '' : ', max runtime ' + run.max_runtime_seconds + ' s') +
              (run.running_too_long ? ' (running too long)' : '');
          }

          function lastRunText(run) {
            if (!run) return null;
            return run.result + ', finished ' + HX.when(run.finished_at) +
              (run.duration_seconds === undefined ? '' : ' after ' + run.duration_seconds + ' s') +
              (run.exit_code === undefined ? '' : ', exit code ' + run.exit_code);
          }

          /**
           * The end of the last run's output, as text in its own `pre` (never HTML), outside the details that each
           * refresh rebuilds: it is written only when the output changed, so the reader's scroll position and
           * selection survive the refresh. It opens scrolled to the end (the last lines say why a run failed) and
           * follows new output only when the reader was at the end.
           */
          function renderOutput(run) {
            const section = document.getElementById('agent-output');
            const pre = document.getElementById('run-output');
            const output = run && run.output ? run.output : '';
            section.hidden = !output;
            if (pre.textContent === output) return;
            const atEnd = !pre.textContent || pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 2;
            pre.textContent = output;
            if (atEnd) pre.scrollTop = pre.scrollHeight;
          }

          /** `until 21:00 (open): disk swap, by alice`; the last window stays listed after it ends. */
          function maintenanceText(window) {
            if (!window) return null;
            return (window.open ? 'until ' : 'ended ') + HX.when(window.until) + (window.reason ? ': ' + window.reason : '') +
              (window.by ? ', by ' + window.by : '');
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
            const action = HX.operatorAction(agent);
            button.hidden = !action;
            if (action) {
              button.dataset.action = action;
              button.textContent = action === 'kill' ? 'Kill' : 'Resume';
              button.className = 'action action-' + action;
            }
            const labels = Object.entries(agent.labels || {}).map(([key, value]) => key + '=' + value).join(', ');
            document.getElementById('agent-details').replaceChildren(
              ...detail('Type', agent.agent_type), ...detail('Host', agent.host), ...detail('Labels', labels),
              ...detail('State since', HX.when(agent.state_since)),
              ...detail('Last heartbeat', agent.last_heartbeat ?
                HX.when(agent.last_heartbeat) + ' (' + HX.ago(agent.last_heartbeat_age_seconds) + ')' : 'never'),
              ...detail('Expected, missing since', agent.missing_since ? HX.when(agent.missing_since) : null),
              ...detail('First seen', agent.first_seen ? HX.when(agent.first_seen) : null),
              ...detail('Current task', agent.current_task), ...detail('Self-reported status', agent.status),
              ...detail('Run', agent.run_id), ...detail('Sequence', agent.seq),
              ...detail('Interval', agent.interval_seconds === undefined ? null : agent.interval_seconds + ' s'),
              ...detail('Degraded after', agent.thresholds.degraded_after_seconds + ' s'),
              ...detail('Unreachable after', agent.thresholds.unreachable_after_seconds + ' s'),
              ...detail('Thresholds from', agent.thresholds.source + (agent.thresholds.grace_seconds ?
                ' + ' + agent.thresholds.grace_seconds + ' s of grace the last beat asked for' : '')),
              ...detail('Schedule', scheduleText(agent.schedule)),
              ...detail('Recovery', recoveryText(agent.recovery)),
              ...detail('Maintenance', maintenanceText(agent.maintenance)),
              ...detail('Grace of the last beat', agent.grace_seconds ? agent.grace_seconds + ' s' : null),
              ...detail('Ephemeral', agent.ephemeral ? 'yes: forgotten once it stops or goes silent' : null),
              ...detail('Killed', operatorText(agent.killed)), ...detail('Stopped', operatorText(agent.stopped)),
              ...detail('Running', runText(agent.run)), ...detail('Last run', lastRunText(agent.last_run)),
              ...detail('Last task error', taskErrorText(agent.last_task_error)),
              ...dependencyDetails(agent.dependencies));
            renderOutput(agent.last_run);
            renderMetrics(agent.metrics || {});
            renderRecoveryRun(agent.recovery_run);
          }

          /** The ladder's run under way, or its last one: how it started and ended, and each step. */
          function renderRecoveryRun(run) {
            const section = document.getElementById('recovery-run');
            section.hidden = !run;
            if (!run) return;
            const ended = run.outcome ? run.outcome + ' at ' + HX.when(run.ended_at) : 'under way';
            document.getElementById('recovery-summary').textContent = 'Ladder ' + run.ladder + ', started ' +
              HX.when(run.started_at) + ' when the agent became ' + run.trigger + ': ' + ended + '.' +
              (run.outcome && run.result !== 'recovered' ? ' Tried: ' + run.tried + '.' : '');
            document.getElementById('recovery-rows').replaceChildren(...run.steps.map((step) => el('tr', {}, [
              el('td', {text: step.name}),
              el('td', {text: HX.when(step.started_at)}),
              el('td', {text: step.finished_at ? HX.when(step.finished_at) : 'running'}),
              el('td', {text: step.result || ''}),
              el('td', {text: step.summary || ''}),
              el('td', {}, step.output ? [el('pre', {className: 'output', text: step.output})] : []),
            ])));
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
              ['Failures in a row', metrics.consecutive_failures],
              ['Last success', metrics.last_success === undefined ? undefined : HX.when(metrics.last_success)],
              ['Last failure', metrics.last_failure === undefined ? undefined : HX.when(metrics.last_failure)],
              ['Last task duration (s)', metrics.last_task_duration_seconds],
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
