"""Checks of the activity pictures' details an operator reads (from an operator's trial of the status page):
exact hover times, time before an agent was seen drawn as "no data", both task series on one labelled axis, fleet
charts that start at their data, readable Kill buttons in both schemes, a "Current task" header not clipped, and
dependents in natural order. Used by activity_page_test.py; each check returns a summary or raises CheckFailed."""

import datetime
import re
import urllib.parse

from browser_support import CheckFailed, api, wait_until

SPAN = r"(\d+ d )?(\d+ h )?(\d+ min )?\d+ s"


def api_time_text(text):
    """The page's way of writing an API time: `2026-01-02 10:05:07Z`, with the milliseconds when not zero."""
    return text.replace("T", " ").replace(".000Z", "Z")


def check_young_strip(driver, base, agent):
    """A young agent's 24 h strip spans the whole width: "no data" before it was first seen, then its segments, each
    hover text with the exact times (to the second) and the span to the second."""
    def drawn():
        return driver.execute_script("""
            const svg = document.querySelector(`#fleet-rows tr[data-agent="${arguments[0]}"] svg.strip`);
            if (!svg) return null;
            return {width: Number(svg.getAttribute('width')), rects: [...svg.querySelectorAll('rect')].map(r => ({
              cls: r.getAttribute('class'), x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')),
              start: r.dataset.start, title: r.querySelector('title')?.textContent || ''}))};""", agent)
    strip = wait_until("the young agent's strip", drawn)
    rects = strip["rects"]
    if not rects or rects[0]["cls"] != "seg-none" or rects[0]["x"] != 0:
        raise CheckFailed(f"the strip does not begin with a 'no data' segment: {rects[:2]}")
    if not re.fullmatch(r"no data from .+ to .+ \(" + SPAN + r": the agent was not seen yet\)", rects[0]["title"]):
        raise CheckFailed(f"the 'no data' hover text is {rects[0]['title']!r}")
    covered = sum(rect["w"] for rect in rects)
    if abs(covered - strip["width"]) > 1.5:
        raise CheckFailed(f"the segments cover {covered} of the strip's {strip['width']} px")
    status, body = api(base, "GET", "/api/v1/activity?range=24h&agent=" + urllib.parse.quote(agent))
    segments = body["data"]["agents"][agent]["segments"]
    shown = [rect for rect in rects if rect["cls"].startswith("seg seg-")]
    for segment, rect in zip(segments, shown):
        want = f"{segment['state']} from {api_time_text(segment['start'])} to "
        if not rect["title"].startswith(want) or not re.search(r"\(" + SPAN + r"\)$", rect["title"]):
            raise CheckFailed(f"hover text {rect['title']!r}: expected it to start {want!r} and end with the span "
                              "to the second")
    return f"no data for {rects[0]['w']:.0f} of {strip['width']} px, then {len(shown)} segments; " \
           f"hover: {shown[0]['title'] if shown else rects[0]['title']}"


def check_task_chart(driver, base, agent):
    """The agent page's Tasks chart: succeeded and failed, each named in a legend, on one axis: every dot sits where
    its value is on the axis the chart labels."""
    driver.get(base + "/agents/" + urllib.parse.quote(agent, safe=""))
    def drawn():
        return driver.execute_script("""
            const svg = document.querySelector('#chart-tasks svg.chart');
            if (!svg || !svg.querySelector('circle')) return null;
            const ticks = [...svg.querySelectorAll('text.tick')].map(t => t.textContent);
            const axis = svg.querySelector('line.axis');
            return {top: Number(ticks[0]), bottom: Number(axis.getAttribute('y1')),
              topY: Number(svg.querySelector('line.grid').getAttribute('y1')),
              legend: [...svg.querySelectorAll('.legend-entry')].map(g => g.textContent),
              series: [...svg.querySelectorAll('path[data-series]')].map(p => p.dataset.series),
              dots: [...svg.querySelectorAll('circle')].map(c => ({cy: Number(c.getAttribute('cy')),
                title: c.querySelector('title').textContent}))};""")
    chart = wait_until("the Tasks chart with its dots", drawn)
    # A series is drawn in two paths once a 5-minute boundary has passed: the closed spans and the dashed open one.
    series = list(dict.fromkeys(chart["series"]))
    if chart["legend"] != ["succeeded", "failed"] or series != ["succeeded", "failed"]:
        raise CheckFailed(f"the legend says {chart['legend']} for the series {chart['series']}")
    top_y = chart["topY"]  # the dashed line of the axis' top value
    for dot in chart["dots"]:
        match = re.search(r": (succeeded|failed) (\d+)( so far \(under way\))?$", dot["title"])
        if not match or not re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ to \d\d:\d\d:\d\dZ: ", dot["title"]):
            raise CheckFailed(f"a dot's hover text is {dot['title']!r}")
        value = int(match.group(2))
        want = chart["bottom"] - value / chart["top"] * (chart["bottom"] - top_y)
        if abs(dot["cy"] - want) > 0.6:
            raise CheckFailed(f"{match.group(1)} {value} is drawn at y={dot['cy']}, the axis (0…{chart['top']}) "
                              f"puts it at {want:.1f}")
    overlap = driver.execute_script("""
        const svg = document.querySelector('#chart-tasks svg.chart');
        const plotTop = svg.querySelector('line.grid').getBoundingClientRect().top;
        return [...svg.querySelectorAll('.legend-entry')].some(g => g.getBoundingClientRect().bottom > plotTop);""")
    if overlap:
        raise CheckFailed("the legend overlaps the plot")
    return f"legend {chart['legend']}, {len(chart['dots'])} dots on the axis 0…{chart['top']}"


def check_task_chart_span(driver, base, agent):
    """The agent page's 24 h charts: one point per 5 minutes, as the caption says; nothing drawn before the agent was
    first seen (no line at 0 there); the 5 minutes under way dashed, not drawn as a drop."""
    def drawn():
        return driver.execute_script("""
            const svg = document.querySelector('#chart-tasks svg.chart');
            if (!svg || !svg.querySelector('path.partial')) return null;
            const first = (d) => Number(d.slice(1).split(' ')[0]);
            return {caption: document.getElementById('caption-tasks').textContent,
              starts: [...svg.querySelectorAll('path[data-series]:not(.partial)')].map(p => first(p.getAttribute('d'))),
              partial: svg.querySelectorAll('path.partial').length,
              left: Number(svg.querySelector('line.axis').getAttribute('x1')),
              right: Number(svg.querySelector('line.axis').getAttribute('x2'))};""")
    chart = wait_until("the Tasks chart with its span under way dashed", drawn)
    if chart["caption"] != "Tasks succeeded and failed, per 5 min":
        raise CheckFailed(f"the 24 h chart's caption is {chart['caption']!r}")
    status, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(agent, safe="") + "/activity?range=24h")
    data = body["data"]
    parse = lambda text: datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    start, end, seen = parse(data["from"]), parse(data["until"]), parse(data["segments"][0]["start"])
    earliest = chart["left"] + (seen - 300 - start) / (end - start) * (chart["right"] - chart["left"])
    if any(x < earliest - 1 for x in chart["starts"]):
        raise CheckFailed(f"a line starts at x={min(chart['starts'])}, before the agent was seen (x={earliest:.0f})")
    lines = f"lines from x={min(chart['starts']):.0f}" if chart["starts"] else "no span over yet"
    return f"{chart['caption']}; {lines} (first seen at x={earliest:.0f}), {chart['partial']} dashed"


def check_sparkline_visible(driver, agent):
    """A young agent's few bars are wide enough to see (not sub-pixel in a narrow cell), after a grey "not seen
    yet" band."""
    spark = wait_until("the young agent's sparkline", lambda: driver.execute_script("""
        const svg = document.querySelector(`#fleet-rows tr[data-agent="${arguments[0]}"] svg.sparkline`);
        if (!svg || !svg.querySelector('rect.bar-ok, rect.bar-failed')) return null;
        return {bars: [...svg.querySelectorAll('rect.bar-ok, rect.bar-failed')].map(r => r.getBoundingClientRect().width),
          unseen: svg.querySelector('rect.spark-unseen')?.getBoundingClientRect().width || 0,
          box: svg.getBoundingClientRect().width};""", agent))
    if min(spark["bars"]) < 1:
        raise CheckFailed(f"the bars are {min(spark['bars']):.2f} px wide in a {spark['box']:.0f} px cell")
    if spark["unseen"] < spark["box"] / 2:
        raise CheckFailed(f"the 'not seen yet' band is {spark['unseen']:.0f} of {spark['box']:.0f} px")
    return f"bars {min(spark['bars']):.1f} px wide, {spark['unseen']:.0f} of {spark['box']:.0f} px not seen yet"


def check_headers_on_one_line(driver):
    """No header of the fleet table wraps onto a second line."""
    wrapped = wait_until("the fleet table's headers", lambda: driver.execute_script("""
        const headers = [...document.querySelectorAll('table.fleet thead th')];
        if (!headers.length) return null;
        const lineHeight = parseFloat(getComputedStyle(headers[0]).lineHeight) || 20;
        return {wrapped: headers.filter(th => {
          const range = document.createRange();
          range.selectNodeContents(th);
          return th.textContent.trim() && range.getBoundingClientRect().height > lineHeight * 1.5;
        }).map(th => th.textContent)};"""))["wrapped"]
    if wrapped:
        raise CheckFailed(f"these headers wrap: {wrapped}")
    return "every header on one line"


def check_fleet_chart_range(driver):
    """The fleet charts start at their first point (or a few minutes back when there is none), not a day back."""
    labels = wait_until("the fleet charts' time labels", lambda: driver.execute_script("""
        const ticks = [...document.querySelectorAll('#fleet-states svg text.tick, #fleet-cost svg text.tick')]
          .map(t => t.textContent).filter(t => /^\\d\\d-\\d\\d \\d\\d:\\d\\d$/.test(t));
        return ticks.length >= 4 ? ticks : null;"""))
    now = datetime.datetime.now(datetime.timezone.utc)
    for label in labels:
        when = datetime.datetime.strptime(f"{now.year}-{label}", "%Y-%m-%d %H:%M").replace(
            tzinfo=datetime.timezone.utc)
        if abs((now - when).total_seconds()) > 20 * 60:
            raise CheckFailed(f"a fleet chart's time label is {label}: the data starts minutes ago ({labels})")
    return f"time labels {labels}"


def luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second):
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def check_button_contrast(driver, scheme):
    """A Kill button's text against its face: at least 4.5:1 (WCAG AA) in `scheme`."""
    colours = wait_until("a Kill button", lambda: driver.execute_script("""
        const button = document.querySelector('button.action-kill:not([hidden])');
        if (!button) return null;
        const style = getComputedStyle(button);
        return [style.color, style.backgroundColor];"""))
    rgb = [tuple(int(v) for v in re.findall(r"\d+", colour)[:3]) for colour in colours]
    ratio = contrast(*rgb)
    if ratio < 4.5:
        raise CheckFailed(f"the Kill button's text {colours[0]} on {colours[1]} has a contrast of {ratio:.2f}:1")
    return f"{scheme}: {ratio:.1f}:1"


def check_task_header(driver):
    """The "Current task" header shows its whole text, even when no agent has a current task."""
    header = wait_until("the fleet table's headers", lambda: driver.execute_script("""
        const th = [...document.querySelectorAll('table.fleet thead th')].find(h => h.textContent === 'Current task');
        if (!th) return null;
        const range = document.createRange();
        range.selectNodeContents(th);
        const style = getComputedStyle(th);
        const inner = th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return {text: range.getBoundingClientRect().width, inner};"""))
    if header["text"] > header["inner"] + 0.5:
        raise CheckFailed(f"'Current task' needs {header['text']:.0f} px, its column gives {header['inner']:.0f}")
    return f"{header['text']:.0f} px of text in {header['inner']:.0f} px"


def check_dependents_order(driver, base, agent):
    """The agent page lists the agents depending on `agent` in natural order (`agent-2` before `agent-10`)."""
    _, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(agent, safe=""))
    want = body["data"]["dependencies"]["dependents"]
    driver.get(base + "/agents/" + urllib.parse.quote(agent, safe=""))
    def shown():
        for term in driver.find_elements("css selector", "#agent-details dt"):
            if term.text == "Dependents":
                return driver.execute_script(
                    "return [...arguments[0].nextElementSibling.querySelectorAll('a')].map(a => a.textContent)", term)
        return None
    names = wait_until("the dependents", shown)
    natural = sorted(names, key=lambda n: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", n)])
    if names != want or names != natural:
        raise CheckFailed(f"the page lists {names}; the API {want}; natural order is {natural}")
    return ", ".join(names)
