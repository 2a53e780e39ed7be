/// `charts.js`, second part: the status pages' charts, drawn as inline SVG (added to `HXCharts`): line charts of one
/// or more series on one shared value axis, with a legend naming each series when there are several, and stacked bars
/// of agents per state. Hover a dot or a bar for its exact span and value.
enum LineChartScript {
    static let text = #"""

        Object.assign(HXCharts, (() => {
          const {svg, title, timeText, bucketText} = HXCharts;
          const basePad = {left: 52, right: 8, top: 8, bottom: 18};
          /** The band above the plot that holds the legend of a chart of several series. */
          const legendBand = 16;

          function text(content, attrs) {
            const node = svg('text', attrs);
            node.textContent = content;
            return node;
          }

          /**
           * The frame of a chart: its axis, the top and bottom values, and the times at both ends; `band` pixels above the
           * plot are left for a legend.
           */
          function frame(from, to, top, format, {width, height, label, band = 0}) {
            const pad = {...basePad, top: basePad.top + band};
            const inner = {w: width - pad.left - pad.right, h: height - pad.top - pad.bottom};
            const root = svg('svg', {class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
              'aria-label': label});
            root.append(svg('line', {class: 'axis', x1: pad.left, y1: pad.top + inner.h, x2: width - pad.right,
              y2: pad.top + inner.h}));
            root.append(svg('line', {class: 'grid', x1: pad.left, y1: pad.top, x2: width - pad.right, y2: pad.top}));
            root.append(text(format(top), {class: 'tick', x: pad.left - 4, y: pad.top + 4, 'text-anchor': 'end'}));
            root.append(text(format(0), {class: 'tick', x: pad.left - 4, y: pad.top + inner.h, 'text-anchor': 'end'}));
            root.append(text(timeText(from).slice(5, 16), {class: 'tick', x: pad.left, y: height - 4}));
            root.append(text(timeText(to).slice(5, 16), {class: 'tick', x: width - pad.right, y: height - 4,
              'text-anchor': 'end'}));
            return {root, inner, pad, x: (t) => pad.left + (t - from) / Math.max(1, to - from) * inner.w,
              y: (v) => pad.top + inner.h - v / top * inner.h};
          }

          /** A legend above the plot, at its right, in the series' order: a short line in each one's colour, its name. */
          function legend(root, series, width) {
            const widths = series.map((entry) => 26 + entry.name.length * 5.6);
            let x = width - basePad.right - widths.reduce((sum, w) => sum + w, 0);
            series.forEach((entry, index) => {
              const mark = svg('line', {class: entry.className, x1: x + 4, y1: 7, x2: x + 18, y2: 7});
              const label = text(entry.name, {class: 'legend-text', x: x + 22, y: 10});
              root.append(svg('g', {class: 'legend-entry', 'data-series': entry.name}, [mark, label]));
              x += widths[index];
            });
          }

          /**
           * A line chart of one or more `series` (`{name, className, points: [{t, v, span, partial}]}`, ms; `v` a number
           * or null for a gap; `partial` for a span still under way, drawn dashed) over `from`…`to`, all on one value axis from 0 to the largest value of any series. Several series
           * get a legend. A dot marks each point where something happened, with its exact span and value on hover.
           */
          function linesChart(series, from, to, {width = 520, height = 120, label = '', format = String} = {}) {
            const values = series.flatMap((entry) => entry.points.map((p) => p.v)).filter((v) => Number.isFinite(v));
            const max = values.length ? Math.max(...values) : 0;
            const band = series.length > 1 ? legendBand : 0;
            const {root, inner, pad, x, y} = frame(from, to, max > 0 ? max : 1, format, {width, height, label, band});
            for (const entry of series) {
              let path = '';
              let partialPath = '';
              let last = null;
              for (const point of entry.points) {
                if (!Number.isFinite(point.v)) {
                  last = null;
                  continue;
                }
                const at = x(point.t).toFixed(1) + ' ' + y(point.v).toFixed(1);
                // A span still under way is dashed from the last closed one: it is not over, so not a drop.
                if (point.partial) partialPath += (last ? 'M' + last + 'L' : 'M') + at;
                else path += (last ? 'L' : 'M') + at;
                last = at;
              }
              if (path) root.append(svg('path', {class: entry.className, d: path, 'data-series': entry.name || ''}));
              if (partialPath) {
                root.append(svg('path', {class: entry.className + ' partial', d: partialPath,
                  'data-series': entry.name || ''}));
              }
              const prefix = entry.name ? entry.name + ' ' : '';
              for (const point of entry.points) {
                if (!Number.isFinite(point.v) || (point.v <= 0 && !point.partial)) continue;
                const when = point.span ? bucketText(point.t, point.span) : timeText(point.t);
                const note = point.partial ? ' so far (under way)' : '';
                root.append(svg('circle', {class: entry.className + '-dot' + (point.partial ? ' partial-dot' : ''),
                  cx: x(point.t).toFixed(1), cy: y(point.v).toFixed(1), r: 2.5},
                [title(when + ': ' + prefix + format(point.v) + note)]));
              }
            }
            if (series.length > 1) legend(root, series, width);
            if (!values.length) root.append(text('no data in this range', {class: 'tick', x: pad.left + inner.w / 2,
              y: pad.top + inner.h / 2, 'text-anchor': 'middle'}));
            return root;
          }

          /** A line chart of one series of `points` (see ``linesChart``), drawn with `className`. */
          function lineChart(points, from, to, {className = 'line', ...options} = {}) {
            return linesChart([{name: '', className, points}], from, to, options);
          }

          /** Stacked bars of agents per state over time: `points` of `{t, states}`, one bar per point. */
          function stateBars(points, from, to, states, {width = 520, height = 120, bucketMs = 300000} = {}) {
            const totals = points.map((p) => states.reduce((sum, state) => sum + (p.states[state] || 0), 0));
            const top = Math.max(1, ...totals);
            const {root, inner, pad, x} = frame(from, to, top, String, {width, height, label: 'Agents per state'});
            const barWidth = Math.max(1, bucketMs / Math.max(1, to - from) * inner.w - 0.3);
            points.forEach((point) => {
              let y = pad.top + inner.h;
              const hover = states.filter((state) => point.states[state]).map((state) => point.states[state] + ' ' + state);
              const group = svg('g', {'data-start': new Date(point.t).toISOString()},
                [title('at ' + timeText(point.t + bucketMs) + ': ' + (hover.join(', ') || 'no agent'))]);
              for (const state of states) {
                const count = point.states[state] || 0;
                if (!count) continue;
                const h = count / top * inner.h;
                y -= h;
                group.append(svg('rect', {class: 'seg seg-' + state, x: x(point.t).toFixed(1), y: y.toFixed(1),
                  width: barWidth.toFixed(1), height: h.toFixed(1)}));
              }
              root.append(group);
            });
            if (!points.length) root.append(text('the first point comes at the next 5-minute boundary',
              {class: 'tick', x: pad.left + inner.w / 2, y: pad.top + inner.h / 2, 'text-anchor': 'middle'}));
            return root;
          }

          return {lineChart, linesChart, stateBars};
        })());
        """#
}
