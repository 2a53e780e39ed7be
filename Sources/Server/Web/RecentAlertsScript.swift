/// The fleet page's "Recent alerts" section (appended to `fleet.js`): the alert episodes of the last 24 hours from
/// `GET /api/v1/alerts/history`, grouped by agent (a row group each, agents by name, newest episode first), with how
/// long each lasted, fired and was muted, and its peak value. It refreshes with the rest of the page.
enum RecentAlertsScript {
    static let text = #"""

        (() => {
          const {el} = HX;

          /** `45 s`, `12 min`, `3.5 h`. */
          function span(seconds) {
            if (!Number.isFinite(seconds)) return '—';
            const s = Math.round(seconds);
            if (s < 120) return s + ' s';
            if (s < 7200) return Math.round(s / 60) + ' min';
            return (s / 3600).toFixed(1) + ' h';
          }

          /** How each cause of muting reads: `silenced 3 min`, `in maintenance 1 h`. */
          const causes = {silenced: 'silenced', inhibited: 'inhibited', acknowledged: 'acknowledged',
            killed: 'muted by kill', maintenance: 'in maintenance', dependency: 'muted by dependency'};

          /** What muted a firing episode and for how long: `silenced 3 min, acknowledged 1 h`, or `—`. */
          function muted(times) {
            const parts = Object.keys(causes)
              .filter((name) => times && times[name] > 0)
              .map((name) => causes[name] + ' ' + span(times[name]));
            return parts.length ? parts.join(', ') : '—';
          }

          function episodeRow(episode) {
            const times = episode.secondsIn || {};
            const open = episode.state !== 'resolved';
            return el('tr', {}, [
              el('td', {className: 'alertname', text: (episode.labels && episode.labels.alertname) || ''}),
              el('td', {text: HX.when(episode.startsAt)}),
              open ? el('td', {}, [el('span', {className: 'state state-' + (episode.state === 'firing' ? 'unreachable' : 'degraded'), text: episode.state})])
                : el('td', {text: HX.when(episode.resolvedAt)}),
              el('td', {className: 'number', text: span(episode.durationSeconds)}),
              el('td', {className: 'number', text: span(times.firing)}),
              el('td', {text: muted(times)}),
              el('td', {className: 'number', text: episode.peakValue === null ? '—' : HX.number(episode.peakValue)}),
            ]);
          }

          function agentGroup(agent, episodes) {
            const heading = el('th', {attrs: {colspan: '7', scope: 'rowgroup'}}, [
              agent ? HX.agentLink(agent) : el('span', {className: 'muted', text: 'without an agent label'}),
              el('span', {className: 'muted', text: ' · ' + episodes.length + (episodes.length === 1 ? ' episode' : ' episodes')}),
            ]);
            return el('tbody', {className: 'agent-episodes', attrs: {'data-agent': agent}},
              [el('tr', {className: 'group-head'}, [heading]), ...episodes.map(episodeRow)]);
          }

          async function refreshRecentAlerts() {
            const status = document.getElementById('recent-status');
            const table = document.getElementById('recent-table');
            let data;
            try {
              data = await HX.getData('api/v1/alerts/history?since=24h&limit=1000');
            } catch (error) {
              status.textContent = 'Recent alerts could not be loaded: ' + error.message;
              return;
            }
            const episodes = (data && data.episodes) || [];
            const byAgent = new Map();
            for (const episode of episodes) {
              const agent = (episode.labels && episode.labels.agent) || '';
              if (!byAgent.has(agent)) byAgent.set(agent, []);
              byAgent.get(agent).push(episode);
            }
            const agents = [...byAgent.keys()].sort();
            table.replaceChildren(table.tHead, ...agents.map((agent) => agentGroup(agent, byAgent.get(agent))));
            table.hidden = episodes.length === 0;
            status.textContent = episodes.length === 0 ? 'No alert in the last 24 hours.' :
              episodes.length + (episodes.length === 1 ? ' episode' : ' episodes') + ' in the last 24 hours, ' +
              agents.length + (agents.length === 1 ? ' agent.' : ' agents.');
          }

          HX.every(refreshRecentAlerts);
        })();
        """#
}
