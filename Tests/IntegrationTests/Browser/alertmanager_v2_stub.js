// Alertmanager API v2 answers in its documented shapes (GettableSilence, GettableAlert), put in place of the
// exporter's by status_page_test.py (through Page.addScriptToEvaluateOnNewDocument) so that the page's rendering of
// them is checked whether or not this exporter serves /api/v2 yet. The v2 alerts are the exporter's v1 alerts with
// one extra label (as external labels add), Watchdog suppressed by the active silence sil-1.
(() => {
  const realFetch = window.fetch.bind(window);
  const reply = (body) => new Response(JSON.stringify(body), {status: 200, headers: {'Content-Type': 'application/json'}});
  const silence = (id, state, comment, matchers) => ({id, status: {state}, updatedAt: '2026-01-01T00:00:00.000Z',
    comment, createdBy: 'stub operator', endsAt: '2099-01-01T00:00:00.000Z', matchers,
    startsAt: '2026-01-01T00:00:00.000Z'});
  window.fetch = async (input, init) => {
    const url = String(input);
    if (url.endsWith('api/v2/silences')) {
      return reply([
        silence('sil-1', 'active', 'maintenance window', [
          {isEqual: true, isRegex: false, name: 'alertname', value: 'Watchdog'},
          {isEqual: false, isRegex: true, name: 'severity', value: 'crit.*'}]),
        silence('sil-2', 'expired', 'an expired silence', [{isEqual: true, isRegex: false, name: 'agent', value: 'x'}]),
      ]);
    }
    if (url.endsWith('api/v2/alerts')) {
      const v1 = await (await realFetch(url.replace('api/v2/alerts', 'api/v1/alerts'))).json();
      return reply(v1.data.alerts.map((alert) => ({
        annotations: alert.annotations, endsAt: '2099-01-01T00:00:00.000Z', fingerprint: '0123456789abcdef',
        receivers: [{name: 'default'}], startsAt: alert.activeAt, updatedAt: alert.activeAt, generatorURL: '',
        status: alert.labels.alertname === 'Watchdog' ?
          {inhibitedBy: [], silencedBy: ['sil-1'], state: 'suppressed'} : {inhibitedBy: [], silencedBy: [], state: 'active'},
        labels: Object.assign({fleet: 'production'}, alert.labels)})));
    }
    return realFetch(input, init);
  };
})();
