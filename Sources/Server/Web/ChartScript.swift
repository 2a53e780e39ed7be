/// `charts.js`, first part: the status pages' small pictures, drawn as inline SVG by the page's own script (no
/// library, nothing from another origin): a state strip from state segments over the whole range (time before the
/// agent was seen drawn as "no data"; exact times, to the second, on hover) and a sparkline of tasks per 5 minutes
/// with failures in another colour. Colours come from the stylesheet's state variables, so the dark scheme applies.
/// Also the natural order of names (`agent-2` before `agent-10`). The charts are in ``LineChartScript``.
enum ChartScript {
    static let text = #"""
        'use strict';

        const HXCharts = (() => {
          const svgNS = 'http://www.w3.org/2000/svg';

          function svg(tag, attrs = {}, children = []) {
            const node = document.createElementNS(svgNS, tag);
            for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
            for (const child of children) node.append(child);
            return node;
          }

          function title(text) {
            const node = svg('title');
            node.textContent = text;
            return node;
          }

          /** Compares names in natural order: digits as numbers, so `agent-2` comes before `agent-10`. */
          const naturalCompare = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'}).compare;

          /** An exact time, to the second (and the millisecond when it has some): `2026-01-02 10:05:07Z`. */
          function timeText(ms) {
            return new Date(ms).toISOString().replace('T', ' ').replace(/\.000Z$/, 'Z');
          }

          /** A span to the second: `45 s`, `3 min 5 s`, `2 h 0 min 12 s`, `3 d 4 h 0 min 0 s`. */
          function spanText(ms) {
            const total = Math.round(ms / 1000);
            const parts = [[Math.floor(total / 86400), 'd'], [Math.floor(total / 3600) % 24, 'h'],
              [Math.floor(total / 60) % 60, 'min'], [total % 60, 's']];
            const first = parts.findIndex(([value]) => value > 0);
            return first < 0 ? '0 s' : parts.slice(first).map(([value, unit]) => value + ' ' + unit).join(' ');
          }

          /** A bucket's exact span, such as `2026-01-02 10:05:00Z to 10:10:00Z`. */
          function bucketText(start, ms) {
            return timeText(start) + ' to ' + timeText(start + ms).slice(11);
          }

          /**
           * A strip of coloured segments, one per span in one state, over `from`…`to` (ms), always the whole width: time
           * without a known state (before the agent was first seen) is a neutral "no data" segment. Each segment says
           * its state and exact times on hover.
           */
          function strip(segments, from, to, {width = 160, height = 14, label = 'State over time'} = {}) {
            const span = Math.max(1, to - from);
            const root = svg('svg', {class: 'strip', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
              preserveAspectRatio: 'none',
              'aria-label': label});
            const place = (start, end) => ({x: ((start - from) / span * width).toFixed(2),
              width: Math.max(0.75, (end - start) / span * width).toFixed(2), y: 0, height});
            const noData = (start, end) => {
              if (end - start < 1000) return;
              const why = start === from ? 'the agent was not seen yet' : 'no state known';
              root.append(svg('rect', {class: 'seg-none', ...place(start, end), 'data-start': new Date(start).toISOString(),
                'data-end': new Date(end).toISOString()},
              [title(`no data from ${timeText(start)} to ${timeText(end)} (${spanText(end - start)}: ${why})`)]));
            };
            let cursor = from;
            for (const segment of segments || []) {
              const start = Math.max(from, Date.parse(segment.start));
              const end = Math.min(to, Date.parse(segment.end));
              if (!(end > start)) continue;
              noData(cursor, start);
              cursor = Math.max(cursor, end);
              root.append(svg('rect', {class: 'seg seg-' + segment.state, ...place(start, end),
                'data-state': segment.state, 'data-start': segment.start, 'data-end': segment.end},
              [title(`${segment.state} from ${timeText(start)} to ${timeText(end)} (${spanText(end - start)})`)]));
            }
            noData(cursor, to);
            return root;
          }

          /**
           * Bars of tasks per bucket: successes below, failures stacked above in another colour. The time before
           * `seenFrom` (ms; the agent's first known state) is the strip's neutral "no data", so a new agent's few bars at
           * the right end do not sit in an empty box. Bars are at least 2.5 units wide: 288 buckets in a narrow cell
           * would otherwise be thinner than a pixel.
           */
          function sparkline(succeeded, failed, firstBucket, bucketMs, {width = 160, height = 22, seenFrom = null} = {}) {
            const count = Math.max(succeeded.length, failed.length, 1);
            const max = Math.max(1, ...succeeded.map((value, index) => value + (failed[index] || 0)));
            const total = succeeded.reduce((sum, value) => sum + value, 0) + failed.reduce((sum, value) => sum + value, 0);
            const step = width / count;
            const root = svg('svg', {class: 'sparkline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
              preserveAspectRatio: 'none',
              'aria-label': 'Tasks per 5 minutes' + (total ? '' : ': none in this range')},
            total ? [] : [title('no tasks in this range')]);
            const unseen = Number.isFinite(seenFrom) ? Math.min(width, (seenFrom - firstBucket) / bucketMs * step) : 0;
            if (unseen >= 1) {
              root.append(svg('rect', {class: 'seg-none spark-unseen', x: 0, y: 0, width: unseen.toFixed(2), height},
                [title(`no data before ${timeText(seenFrom)}: the agent was not seen yet`)]));
            }
            root.append(svg('line', {class: 'axis', x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5}));
            for (let index = 0; index < count; index++) {
              const ok = succeeded[index] || 0;
              const bad = failed[index] || 0;
              if (ok + bad === 0) continue;
              const w = Math.max(2.5, step - 0.2);
              const x = Math.min(width - w, index * step).toFixed(2);
              const okHeight = ok / max * (height - 1);
              const badHeight = bad / max * (height - 1);
              const hover = title(`${bucketText(firstBucket + index * bucketMs, bucketMs)}: ${ok} succeeded, ${bad} failed`);
              const group = svg('g', {'data-bucket': index}, [hover]);
              if (ok) group.append(svg('rect', {class: 'bar-ok', x, width: w.toFixed(2), y: (height - 1 - okHeight).toFixed(2),
                height: okHeight.toFixed(2)}));
              if (bad) group.append(svg('rect', {class: 'bar-failed', x, width: w.toFixed(2),
                y: (height - 1 - okHeight - badHeight).toFixed(2), height: badHeight.toFixed(2)}));
              root.append(group);
            }
            return root;
          }

          return {svg, title, strip, sparkline, naturalCompare, timeText, spanText, bucketText};
        })();
        """#
}
