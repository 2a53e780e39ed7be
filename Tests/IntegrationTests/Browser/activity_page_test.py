#!/usr/bin/env python3
"""Checks the status page's activity pictures in a real headless Chromium against the exporter's API.

Run by Tests/IntegrationTests/ActivityPageTests.swift against a running exporter whose fleet it prepared:

    activity_page_test.py --url http://127.0.0.1:PORT --agent AGENT --young-agent A --failing-agent B \
        --dependency C --screenshots DIR

AGENT went through known transitions (made through the API with short thresholds) and ends killed, so its uptime
no longer changes. Checks: the fleet row's state strip has the API's segments and its uptime shows the API's ratio,
the sparklines are drawn from /api/v1/activity, sorting and natural order, no request leaves the origin, no console
error, and the details of activity_detail_checks.py (--young-agent, --failing-agent, --dependency); saves the fleet
and the agent pages, light and dark, into DIR.

Needs Debian's chromium, chromium-driver and python3-selenium. Prints one line per check; exits 1 when one fails.
"""

import argparse
import os
import re
import sys
import urllib.parse

from selenium.webdriver.common.by import By

from activity_detail_checks import (check_button_contrast, check_dependents_order, check_fleet_chart_range,
                                    check_headers_on_one_line, check_sparkline_visible, check_task_chart,
                                    check_task_chart_span, check_task_header, check_young_strip)
from browser_support import CheckFailed, api, start_browser, wait_until


def activity(base, names):
    query = urllib.parse.urlencode([("range", "24h")] + [("agent", name) for name in names])
    status, body = api(base, "GET", "/api/v1/activity?" + query)
    if status != 200:
        raise CheckFailed(f"GET /api/v1/activity answered {status}")
    return body["data"]


def percent(ratio):
    """The page's way of writing a ratio: `100 %` when whole, else two decimals."""
    return "100 %" if ratio == 1 else f"{ratio * 100:.2f} %"


def table_order(driver):
    return driver.execute_script(
        "return [...document.querySelectorAll('#fleet-rows tr[data-agent]')].map(tr => tr.dataset.agent)")


def natural_key(name):
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def check_strip_and_uptime(driver, base, agent):
    expected = activity(base, [agent])["agents"][agent]
    def drawn():
        return driver.execute_script("""
            const row = document.querySelector(`#fleet-rows tr[data-agent="${arguments[0]}"]`);
            if (!row || !row.querySelector('svg.strip')) return null;
            return {segments: [...row.querySelectorAll('svg.strip rect.seg')].map(r => ({state: r.dataset.state,
              start: r.dataset.start, end: r.dataset.end, title: r.querySelector('title').textContent})),
              uptime: row.querySelector('td.uptime').textContent};""", agent)
    shown = wait_until("the agent's strip", drawn)
    if [s["state"] for s in expected["segments"]] != ["healthy", "degraded", "unreachable", "healthy", "killed"]:
        raise CheckFailed(f"the API's segments are not the transitions made: {expected['segments']}")
    # Segments up to the last one are fixed; the last one (killed) grows with time.
    want = [(s["state"], s["start"]) for s in expected["segments"]]
    got = [(s["state"], s["start"]) for s in shown["segments"]]
    if got != want:
        raise CheckFailed(f"the strip shows {got}, the API says {want}")
    if [s["end"] for s in shown["segments"]][:-1] != [s["end"] for s in expected["segments"]][:-1]:
        raise CheckFailed("the strip's segment ends differ from the API's")
    if not all(s["title"].startswith(s["state"] + " from ") for s in shown["segments"]):
        raise CheckFailed(f"a segment does not say its state and times on hover: {shown['segments']}")
    text = percent(expected["uptime_ratio"])
    if shown["uptime"] != text:
        raise CheckFailed(f"the uptime shows {shown['uptime']!r}, the API says {text!r}")
    return f"{len(got)} segments ({', '.join(state for state, _ in got)}), uptime {text}"


def check_sparklines(driver, base, names):
    data = activity(base, names)["agents"]
    def drawn():
        return driver.execute_script("""
            const result = {};
            for (const name of arguments[0]) {
              const row = document.querySelector(`#fleet-rows tr[data-agent="${name}"]`);
              const svg = row && row.querySelector('svg.sparkline');
              if (!svg) return null;
              result[name] = {ok: [...svg.querySelectorAll('g[data-bucket]')].filter(g => g.querySelector('.bar-ok'))
                .map(g => Number(g.dataset.bucket)), failed: [...svg.querySelectorAll('g[data-bucket]')]
                .filter(g => g.querySelector('.bar-failed')).map(g => Number(g.dataset.bucket))};
            }
            return result;""", names)
    shown = wait_until("the sparklines", drawn)
    for name in names:
        want_ok = [i for i, v in enumerate(data[name]["tasks_succeeded"]) if v > 0]
        want_failed = [i for i, v in enumerate(data[name]["tasks_failed"]) if v > 0]
        if shown[name]["ok"] != want_ok or shown[name]["failed"] != want_failed:
            raise CheckFailed(f"{name}: bars at {shown[name]}, the API has tasks at {want_ok} and failures at "
                              f"{want_failed}")
    if not any(shown[name]["failed"] for name in names):
        raise CheckFailed("no failure bar drawn: the fleet needs an agent with a failed task")
    return f"{len(names)} sparklines"


def check_sorting(driver, base):
    status, body = api(base, "GET", "/api/v1/agents")
    states = {agent["agent"]: agent["state"] for agent in body["data"]["agents"]}
    severity = ["unreachable", "missing", "degraded", "recovering", "killed", "maintenance", "stopped", "healthy"]
    default = sorted(states, key=lambda name: (severity.index(states[name]), natural_key(name)))
    wait_until("problems first by default", lambda: table_order(driver) == default)
    header = driver.find_element(By.CSS_SELECTOR, 'th[data-sort="name"] button')
    header.click()
    by_name = sorted(states, key=natural_key)
    wait_until("natural order by name", lambda: table_order(driver) == by_name)
    if "sort=name" not in driver.current_url:
        raise CheckFailed(f"the sort is not kept in the URL {driver.current_url}")
    header.click()
    wait_until("the reverse order", lambda: table_order(driver) == list(reversed(by_name)))
    driver.find_element(By.CSS_SELECTOR, 'th[data-sort="problems"] button').click()
    wait_until("problems first again", lambda: table_order(driver) == default)
    return "problems first, then " + ", ".join(by_name)


def check_agent_page(driver, base, agent, screenshots):
    driver.get(base + "/agents/" + urllib.parse.quote(agent, safe=""))
    status, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(agent, safe="") + "/activity?range=24h")
    uptime = body["data"]["uptime"]
    def shown():
        values = driver.execute_script(
            "return [...document.querySelectorAll('#uptimes dd')].map(dd => dd.textContent)")
        return values if len(values) == 3 else None
    values = wait_until("the agent's uptimes", shown)
    want = [percent(uptime[span]) for span in ("24h", "7d", "30d")]
    if values != want:
        raise CheckFailed(f"the agent page shows uptimes {values}, the API says {want}")
    wait_until("both strips and four charts", lambda: driver.execute_script(
        "return document.querySelectorAll('.strips svg.strip').length === 2 && "
        "document.querySelectorAll('.charts svg.chart').length === 4"))
    for scheme in ("light", "dark"):
        set_scheme(driver, scheme)
        driver.save_screenshot(os.path.join(screenshots, f"agent-activity-{scheme}.png"))
    set_scheme(driver, "light")
    return "uptime " + ", ".join(want)


def check_origin_and_console(driver, base):
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    foreign = [url for url in urls if not url.startswith(base + "/")]
    if foreign:
        raise CheckFailed(f"requests left the origin: {foreign}")
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    if errors:
        raise CheckFailed(f"console errors: {errors}")
    return f"{len(urls)} requests, all to {base}"


def set_scheme(driver, scheme):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": scheme}]})


def run(checks):
    """Runs `(name, check)` pairs, printing one line each; returns how many failed."""
    failed = 0
    for name, check in checks:
        try:
            print(f"ok - {name}: {check()}")
        except CheckFailed as error:
            failed += 1
            print(f"not ok - {name}: {error}")
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--agent", required=True, help="an agent with known transitions, now killed")
    parser.add_argument("--young-agent", required=True, help="an agent first seen seconds ago")
    parser.add_argument("--failing-agent", required=True, help="an agent with a failed task")
    parser.add_argument("--dependency", required=True, help="an agent others depend on")
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    driver = start_browser()
    failed = 0
    try:
        set_scheme(driver, "light")
        driver.get(base + "/")
        status, body = api(base, "GET", "/api/v1/agents")
        names = [agent["agent"] for agent in body["data"]["agents"]]
        failed += run([
            ("the strip and the uptime agree with the API", lambda: check_strip_and_uptime(driver, base, args.agent)),
            ("a young agent's strip spans the day, 'no data' before it was seen, exact hover times",
             lambda: check_young_strip(driver, base, args.young_agent)),
            ("the sparklines are drawn from /api/v1/activity", lambda: check_sparklines(driver, base, names)),
            ("columns sort, problems first by default, names in natural order", lambda: check_sorting(driver, base)),
            ("the fleet charts start at their data", lambda: check_fleet_chart_range(driver)),
            ("the Current task header is not clipped", lambda: check_task_header(driver)),
            ("no header wraps", lambda: check_headers_on_one_line(driver)),
            ("a young agent's task bars can be seen", lambda: check_sparkline_visible(driver, args.failing_agent)),
            ("the Kill button is readable in the light scheme", lambda: check_button_contrast(driver, "light")),
        ])
        driver.save_screenshot(os.path.join(args.screenshots, "fleet-activity-light.png"))
        set_scheme(driver, "dark")
        failed += run([("the Kill button is readable in the dark scheme",
                        lambda: check_button_contrast(driver, "dark"))])
        driver.save_screenshot(os.path.join(args.screenshots, "fleet-activity-dark.png"))
        set_scheme(driver, "light")
        failed += run([
            ("the agent page's uptimes agree with the API", lambda: check_agent_page(driver, base, args.agent,
                                                                                    args.screenshots)),
            ("the Tasks chart: succeeded and failed on one labelled axis",
             lambda: check_task_chart(driver, base, args.failing_agent)),
            ("the 24 h charts: per 5 min, nothing before the agent, the open span dashed",
             lambda: check_task_chart_span(driver, base, args.failing_agent)),
        ])
        for scheme in ("light", "dark"):
            set_scheme(driver, scheme)
            driver.save_screenshot(os.path.join(args.screenshots, f"agent-tasks-{scheme}.png"))
        set_scheme(driver, "light")
        failed += run([
            ("dependents in natural order", lambda: check_dependents_order(driver, base, args.dependency)),
            ("no request leaves the origin and no console error", lambda: check_origin_and_console(driver, base)),
        ])
    finally:
        driver.quit()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
