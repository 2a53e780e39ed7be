#!/usr/bin/env python3
"""Drives the exporter's status page in a real headless Chromium and checks what an operator relies on.

Run by Tests/IntegrationTests/StatusPageTests.swift against a running exporter whose fleet it prepared:

    status_page_test.py --url http://127.0.0.1:PORT --kill AGENT --search TEXT --xss-agent AGENT
    status_page_test.py --url http://127.0.0.1:PORT --kill AGENT --token TOKEN   (exporter with an admin token)

With --maintenance-agent AGENT it checks that agent's maintenance state on both pages, and with --screenshots DIR
it saves the fleet page and that agent's page there for a person to look at.

Needs Debian's chromium, chromium-driver and python3-selenium (scripts/install-deps --tests).
Prints one line per check and exits 1 when any check fails.
"""

import argparse
import json
import os
import sys
import time
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from browser_support import (CheckFailed, agent_state, api, click_action, fleet, row_state, start_browser,
                             table_rows, visible_agents, wait_until)

STATES = ["healthy", "degraded", "unreachable", "missing", "recovering", "maintenance", "killed", "stopped"]


# Checks.

def check_table_matches_api(driver, base):
    data = fleet(base)
    expected = {agent["agent"]: agent["state"] for agent in data["agents"]}
    wait_until("all agents listed", lambda: set(table_rows(driver)) == set(expected))
    shown = {name: state for name, (state, _) in table_rows(driver).items()}
    if shown != expected:
        raise CheckFailed(f"table shows {shown}, API says {expected}")
    counts = driver.execute_script("""
        const counts = {};
        for (const item of document.querySelectorAll('#summary .summary-item')) {
          counts[item.dataset.state] = Number(item.querySelector('.count').textContent);
        }
        return counts;""")
    expected_counts = {state: data["summary"][state] for state in STATES}
    if counts != expected_counts:
        raise CheckFailed(f"summary shows {counts}, API says {expected_counts}")
    return expected


def reset_filters(driver):
    """Back to every agent, so that one failed check does not hide rows from the next."""
    Select(driver.find_element(By.ID, "state-filter")).select_by_value("")
    field = driver.find_element(By.ID, "search")
    field.clear()
    field.send_keys(" ", Keys.BACK_SPACE)


def check_state_filter(driver, states_by_agent):
    select = Select(driver.find_element(By.ID, "state-filter"))
    try:
        for state in STATES:
            select.select_by_value(state)
            expected = sorted(name for name, value in states_by_agent.items() if value == state)
            shown = visible_agents(driver)
            if shown != expected:
                raise CheckFailed(f"filter {state!r} shows {shown}, expected {expected}")
            if ("state=" + state) not in driver.current_url:
                raise CheckFailed(f"filter {state!r} is not kept in the URL {driver.current_url}")
    finally:
        reset_filters(driver)
    if visible_agents(driver) != sorted(states_by_agent):
        raise CheckFailed(f"filter 'all' shows {visible_agents(driver)}")


def check_search(driver, states_by_agent, text):
    """Searches `text` in capitals: the search is case-insensitive and matches anywhere in the name."""
    expected = sorted(name for name in states_by_agent if text.lower() in name.lower())
    if not expected or len(expected) == len(states_by_agent):
        raise CheckFailed(f"search text {text!r} must match some agents but not all")
    try:
        driver.find_element(By.ID, "search").send_keys(text.upper())
        if visible_agents(driver) != expected:
            raise CheckFailed(f"search {text!r} shows {visible_agents(driver)}, expected {expected}")
        some_state = states_by_agent[expected[0]]
        Select(driver.find_element(By.ID, "state-filter")).select_by_value(some_state)
        both = sorted(name for name in expected if states_by_agent[name] == some_state)
        if visible_agents(driver) != both:
            raise CheckFailed(f"search {text!r} and state {some_state} show {visible_agents(driver)}, expected {both}")
    finally:
        reset_filters(driver)
    wait_until("the search cleared", lambda: visible_agents(driver) == sorted(states_by_agent), seconds=3)


def check_markup_is_shown_as_text(driver, base, agent):
    _, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(agent, safe=""))
    task = body["data"]["current_task"]
    if "<" not in task:
        raise CheckFailed(f"{agent}'s current task {task!r} holds no markup to test escaping with")
    shown = driver.find_element(By.CSS_SELECTOR, f'tr[data-agent="{agent}"] td.task').text
    if shown != task:
        raise CheckFailed(f"current task shown as {shown!r}, sent {task!r}")
    injected = driver.execute_script(
        "return [document.querySelectorAll('#fleet-rows img, #fleet-rows script').length, window.__injected]")
    if injected[0] != 0 or injected[1] is not None:
        raise CheckFailed(f"markup from the current task became elements or ran: {injected}")


def check_refresh_without_reload(driver, base):
    driver.execute_script("window.__sameDocument = true")
    newcomer = "newcomer-" + str(int(time.time() * 1000) % 100000)
    status, _ = api(base, "POST", "/api/v1/heartbeat", {"agent": newcomer, "interval_seconds": 3600})
    if status != 202:
        raise CheckFailed(f"heartbeat for {newcomer} answered {status}")
    wait_until(f"{newcomer} appearing", lambda: newcomer in table_rows(driver), seconds=10)
    if driver.execute_script("return window.__sameDocument") is not True:
        raise CheckFailed("the page reloaded itself instead of updating the table")
    seen = driver.find_element(By.CSS_SELECTOR, f'tr[data-agent="{newcomer}"] td.seen').text
    if not seen.endswith(" s ago"):
        raise CheckFailed(f"last seen of a fresh agent reads {seen!r}, expected 'N s ago'")


def check_kill_and_resume(driver, base, agent):
    before = agent_state(base, agent)
    click_action(driver, agent, "Kill")
    wait_until(f"{agent} shown killed", lambda: row_state(driver, agent) == "killed")
    if agent_state(base, agent) != "killed":
        raise CheckFailed(f"the table says killed but the API says {agent_state(base, agent)}")
    wait_until("the Resume button", lambda: driver.find_element(
        By.CSS_SELECTOR, f'tr[data-agent="{agent}"] button.action').text == "Resume")
    click_action(driver, agent, "Resume")
    wait_until(f"{agent} shown {before} again", lambda: row_state(driver, agent) == before)
    if agent_state(base, agent) != before:
        raise CheckFailed(f"after resume the API says {agent_state(base, agent)}, expected {before}")


def check_refused_without_token(driver, base, agent, token):
    click_action(driver, agent, "Kill")
    message = wait_until("the refusal message", lambda: driver.find_element(By.ID, "messages").text)
    if "401" not in message or "Admin token" not in message:
        raise CheckFailed(f"refusal message does not explain the 401: {message!r}")
    if agent_state(base, agent) == "killed":
        raise CheckFailed("the agent was killed without a token")
    field = driver.find_element(By.ID, "admin-token")
    field.send_keys("wrong-" + token)
    driver.find_element(By.ID, "token-save").click()
    click_action(driver, agent, "Kill")
    wait_until("a second refusal", lambda: "invalid token" in driver.find_element(By.ID, "messages").text)
    field.send_keys(token)
    driver.find_element(By.ID, "token-save").click()
    stored = driver.execute_script("return sessionStorage.getItem('heartbeat-exporter.admin-token')")
    if stored != token:
        raise CheckFailed(f"token kept in sessionStorage is {stored!r}")


def check_agent_page(driver, base, agent):
    driver.get(base + "/agents/" + urllib.parse.quote(agent, safe=""))
    wait_until("the agent's name as title", lambda: driver.find_element(By.ID, "agent-name").text == agent)
    state = agent_state(base, agent)
    wait_until("the agent's state", lambda: driver.find_element(By.ID, "agent-state").text == state)
    _, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(agent, safe="") + "/history")
    expected = [transition["to"] for transition in reversed(body["data"])]
    shown = wait_until("the history", lambda: [cell.text for cell in driver.find_elements(
        By.CSS_SELECTOR, "#history-rows tr td:nth-child(3)")] or None)
    if shown != expected:
        raise CheckFailed(f"history shows states {shown}, API says {expected}")
    if "killed" not in shown:
        raise CheckFailed("history does not show the kill")
    details = driver.find_element(By.ID, "agent-details").text
    if "Last heartbeat" not in details:
        raise CheckFailed(f"details lack the last heartbeat: {details!r}")
    driver.get(base + "/agents/no-such-agent")
    wait_until("the unknown-agent message", lambda: "Unknown agent" in driver.find_element(By.ID, "messages").text)


def check_dependencies(driver, base, agent, screenshots):
    """The agent's page links what it depends on (from its beats); that agent's page links it back as a dependent."""
    _, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(agent, safe=""))
    depends_on = body["data"]["dependencies"]["depends_on"]
    if not depends_on:
        raise CheckFailed(f"the API shows no dependency of {agent}")
    driver.get(base + "/agents/" + urllib.parse.quote(agent, safe=""))
    dependency = depends_on[0]
    link = wait_until("the link to the dependency", lambda: next(
        (a for a in driver.find_elements(By.CSS_SELECTOR, "#agent-details dd.dependencies a") if a.text == dependency),
        None))
    terms = [term.text for term in driver.find_elements(By.CSS_SELECTOR, "#agent-details dt")]
    if "Depends on" not in terms:
        raise CheckFailed(f"no 'Depends on' among the details: {terms}")
    if screenshots:
        driver.save_screenshot(os.path.join(screenshots, "agent-with-dependency.png"))
    link.click()
    wait_until("the dependency's page", lambda: driver.find_element(By.ID, "agent-name").text == dependency)
    back = wait_until("the link back to the dependent", lambda: next(
        (a for a in driver.find_elements(By.CSS_SELECTOR, "#agent-details dd.dependencies a") if a.text == agent),
        None))
    if not back.get_attribute("href").endswith("/agents/" + urllib.parse.quote(agent, safe="")):
        raise CheckFailed(f"the dependent's link goes to {back.get_attribute('href')}")
    if screenshots:
        driver.save_screenshot(os.path.join(screenshots, "agent-with-dependents.png"))


def check_maintenance(driver, base, agent, screenshots):
    """The agent in maintenance: its badge in the fleet table and on its page, in the maintenance colour, and the
    window's end and reason in its details."""
    _, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(agent, safe=""))
    window = body["data"].get("maintenance") or {}
    if body["data"]["state"] != "maintenance" or not window.get("open"):
        raise CheckFailed(f"the API does not show {agent} in maintenance: {body['data'].get('maintenance')}")
    driver.get(base + "/")
    wait_until("the maintenance badge in the fleet table", lambda: row_state(driver, agent) == "maintenance")
    colour = driver.execute_script("""
        const row = document.querySelector('#fleet-rows tr[data-agent="' + arguments[0] + '"] .state');
        return row ? [row.className, getComputedStyle(row).color] : null;""", agent)
    if colour != ["state state-maintenance", "rgb(14, 138, 138)"]:
        raise CheckFailed(f"the fleet table's badge is {colour}, expected class state-maintenance in teal")
    summary = driver.execute_script(
        "const item = document.querySelector('#summary .summary-item[data-state=maintenance] .count');"
        "return item ? item.textContent : null;")
    if summary != "1":
        raise CheckFailed(f"the summary counts {summary!r} agents in maintenance")
    if screenshots:
        driver.save_screenshot(os.path.join(screenshots, "fleet-with-maintenance.png"))
    driver.get(base + "/agents/" + urllib.parse.quote(agent, safe=""))
    wait_until("the agent page's state", lambda: driver.find_element(By.ID, "agent-state").text == "maintenance")
    details = wait_until("the maintenance details", lambda: "Maintenance" in driver.find_element(
        By.ID, "agent-details").text and driver.find_element(By.ID, "agent-details").text)
    if "until" not in details or (window.get("reason") and window["reason"] not in details):
        raise CheckFailed(f"details do not show the window's end and reason: {details!r}")
    if screenshots:
        driver.save_screenshot(os.path.join(screenshots, "agent-in-maintenance.png"))


def check_recovery_run(driver, base, agent):
    driver.get(base + "/agents/" + urllib.parse.quote(agent, safe=""))
    _, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(agent, safe=""))
    run = body["data"].get("recovery_run")
    if not run or not run.get("result"):
        raise CheckFailed(f"the API shows no ended recovery run for {agent}: {run!r}")
    section = driver.find_element(By.ID, "recovery-run")
    wait_until("the recovery run section", section.is_displayed)
    summary = driver.find_element(By.ID, "recovery-summary").text
    if run["outcome"] not in summary or run["ladder"] not in summary:
        raise CheckFailed(f"summary {summary!r} lacks {run['outcome']!r} or the ladder {run['ladder']!r}")
    rows = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            for row in driver.find_elements(By.CSS_SELECTOR, "#recovery-rows tr")]
    expected = [[step["name"], step["result"], step["summary"]] for step in run["steps"]]
    shown = [[row[0], row[3], row[4]] for row in rows]
    if shown != expected:
        raise CheckFailed(f"steps shown {shown}, API says {expected}")


def check_job_page(driver, base, agent, screenshot=""):
    """A job's page shows its last run (result, exit code) and its output's last lines as text, never as markup."""
    _, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(agent, safe=""))
    run = body["data"]["last_run"]
    driver.get(base + "/agents/" + urllib.parse.quote(agent, safe=""))
    wait_until("the last run", lambda: "Last run" in driver.find_element(By.ID, "agent-details").text)
    details = driver.find_element(By.ID, "agent-details").text
    expected = f"{run['result']}, finished"
    if expected not in details or f"exit code {run['exit_code']}" not in details:
        raise CheckFailed(f"details lack the last run ({expected}, exit code {run['exit_code']}): {details!r}")
    shown = driver.execute_script(
        "const pre = document.querySelector('#agent-output pre.run-output');"
        "return pre ? [pre.textContent, pre.children.length] : null")
    if shown != [run["output"], 0]:
        raise CheckFailed(f"the output is shown as {shown!r}, the API has {run['output']!r}")
    check_output_scrolling(driver, screenshot)


def check_output_scrolling(driver, screenshot):
    """The output opens scrolled to its end (its last lines say why the run failed), and the page's refresh keeps
    where the reader scrolled to: the same element, at the same place."""
    position = """
        const pre = document.getElementById('run-output');
        return [pre.scrollTop, pre.scrollHeight - pre.clientHeight, pre.__marked === true];"""
    top, bottom, _ = wait_until("the output laid out", lambda: (lambda p: p if p[1] > 0 else None)(
        driver.execute_script(position)))
    if abs(top - bottom) > 2:
        raise CheckFailed(f"the output opens at {top} px, not at its end ({bottom} px)")
    if screenshot:
        driver.save_screenshot(screenshot)
    driver.execute_script("const pre = document.getElementById('run-output'); pre.__marked = true; pre.scrollTop = 40;")
    requests = lambda: driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/agents/')).length")
    before = requests()
    # The page refreshes every 5 s: wait for a refresh's requests, then for it to be drawn.
    wait_until("a refresh of the page", lambda: requests() >= before + 2, seconds=8)
    time.sleep(0.5)
    top, _, same = driver.execute_script(position)
    if not same or abs(top - 40) > 2:
        raise CheckFailed(f"after a refresh the output is at {top} px (the reader left it at 40), same element: {same}")


def check_missing_agent(driver, base, agent):
    """A missing agent (expected, never seen) has nothing to kill and no cost: a dash, no Kill button, here and on
    its page, and the API reports no metrics for it."""
    _, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(agent, safe=""))
    if body["data"]["state"] != "missing" or body["data"]["metrics"] != {}:
        raise CheckFailed(f"the API shows {agent} as {body['data']['state']} with metrics {body['data']['metrics']}")
    driver.get(base + "/")
    wait_until("the missing agent's row", lambda: row_state(driver, agent) == "missing")
    cells = driver.execute_script("""
        const tr = document.querySelector(`tr[data-agent="${arguments[0]}"]`);
        const button = tr.querySelector('button.action');
        return [tr.querySelector('.cost').textContent, tr.querySelector('.cost-rate').textContent,
                button.offsetParent !== null, tr.lastElementChild.innerText.trim()];""", agent)
    if cells != ["—", "—", False, "—"]:
        raise CheckFailed(f"{agent}'s row shows cost, rate, button shown, action cell {cells}")
    driver.get(base + "/agents/" + urllib.parse.quote(agent, safe=""))
    wait_until("the missing agent's page", lambda: driver.find_element(By.ID, "agent-state").text == "missing")
    if driver.find_element(By.ID, "agent-action").is_displayed():
        raise CheckFailed(f"{agent}'s page offers {driver.find_element(By.ID, 'agent-action').text!r}")


def check_alerts(driver, base):
    _, body = api(base, "GET", "/api/v1/alerts")
    names = sorted(alert["labels"]["alertname"] for alert in body["data"]["alerts"])
    if not names:
        raise CheckFailed("no alert is pending or firing; the test's rules should fire Watchdog at least")
    wait_until("the alerts table", lambda: sorted(cell.text for cell in driver.find_elements(
        By.CSS_SELECTOR, "#alert-rows tr td:first-child")) == names, seconds=8)
    status = driver.find_element(By.ID, "alerts-status").text
    if "firing" not in status:
        raise CheckFailed(f"alerts status line reads {status!r}")


def check_recent_alerts(driver, base, screenshot):
    """"Recent alerts" lists the last 24 hours' episodes of the alert history, one row group per agent."""
    _, body = api(base, "GET", "/api/v1/alerts/history?since=24h&limit=1000")
    expected = {}
    for episode in body["data"]["episodes"]:
        agent = episode["labels"].get("agent", "")
        expected.setdefault(agent, []).append(episode["labels"]["alertname"])
    if not expected:
        raise CheckFailed("the history holds no episode; Watchdog at least should have one")
    driver.get(base + "/")

    def shown():
        groups = {}
        for group in driver.find_elements(By.CSS_SELECTOR, "#recent-table tbody.agent-episodes"):
            groups[group.get_attribute("data-agent")] = [
                cell.text for cell in group.find_elements(By.CSS_SELECTOR, "td.alertname")]
        return groups

    groups = wait_until("the recent alerts per agent", lambda: shown() == expected and shown(), seconds=10)
    names = [group.get_attribute("data-agent") for group in
             driver.find_elements(By.CSS_SELECTOR, "#recent-table tbody.agent-episodes")]
    if names != sorted(names):
        raise CheckFailed(f"agents are not in order: {names}")
    status = driver.find_element(By.ID, "recent-status").text
    if "in the last 24 hours" not in status:
        raise CheckFailed(f"the recent alerts' status line reads {status!r}")
    if screenshot:
        driver.execute_script("document.getElementById('recent-title').scrollIntoView()")
        driver.save_screenshot(screenshot)
    return groups


def check_silences(driver, base, agent):
    status, _ = api(base, "GET", "/api/v2/silences")
    if status != 200:
        raise CheckFailed(f"GET /api/v2/silences answered {status}")
    now = time.time()
    stamp = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    created, _ = api(base, "POST", "/api/v2/silences", {
        "matchers": [{"name": "agent", "value": agent, "isRegex": False, "isEqual": True}],
        "startsAt": stamp(now - 1), "endsAt": stamp(now + 3600), "createdBy": "browser-test",
        "comment": "status page test"}, headers={"Content-Type": "application/json"})
    if created != 200:
        raise CheckFailed(f"POST /api/v2/silences answered {created}")
    driver.refresh()
    wait_until("the new silence", lambda: "browser-test" in driver.find_element(By.ID, "silence-rows").text)




def check_rejections(driver, base):
    """The "Rejected heartbeats" section stays hidden until a beat is refused, then names the agent and reason."""
    driver.get(base + "/")
    wait_until("the fleet table", lambda: table_rows(driver))
    if driver.find_element(By.ID, "rejections").is_displayed():
        raise CheckFailed("the rejections section is shown while no beat was refused")
    labels = {f"label_{n}": "x" for n in range(1, 10)}
    status, _ = api(base, "POST", "/api/v1/heartbeat", {"agent": "over-labelled", "labels": labels},
                    headers={"Content-Type": "application/json"})
    if status != 429:
        raise CheckFailed(f"a beat with nine labels answered {status}, not 429")
    section = driver.find_element(By.ID, "rejections")
    rows = wait_until("the refused agent listed", lambda: section.is_displayed() and driver.find_element(
        By.ID, "rejection-rows").text, seconds=8)
    if "over-labelled" not in rows or "too_many_labels" not in rows or "at most 8 labels" not in rows:
        raise CheckFailed(f"the rejections section reads {rows!r}")


def check_alertmanager_shapes(driver, base):
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "alertmanager_v2_stub.js")) as stub:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": stub.read()})
    driver.get(base + "/")
    rows = wait_until("the active silence", lambda: driver.find_element(By.ID, "silence-rows").text)
    if 'alertname="Watchdog", severity!~"crit.*"' not in rows or "maintenance window" not in rows:
        raise CheckFailed(f"active silence shown as {rows!r}")
    if "expired" in rows:
        raise CheckFailed(f"an expired silence is listed: {rows!r}")
    watchdog = wait_until("Watchdog shown suppressed", lambda: [
        row.text for row in driver.find_elements(By.CSS_SELECTOR, "#alert-rows tr")
        if row.text.startswith("Watchdog") and "suppressed" in row.text])
    if "silenced by sil-1" not in watchdog[0]:
        raise CheckFailed(f"Watchdog's row does not name its silence: {watchdog[0]!r}")


def check_console_and_origin(driver, base, allowed_failures):
    """No console error and no request to another origin; `allowed_failures` are (path, status) the test caused."""
    errors = []
    for entry in driver.get_log("browser"):
        if entry["level"] != "SEVERE":
            continue
        if entry.get("source") == "network" and any(
                base + path in entry["message"] and f"status of {status}" in entry["message"]
                for path, status in allowed_failures):
            continue
        errors.append(entry["message"])
    if errors:
        raise CheckFailed("console errors: " + " | ".join(errors))
    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        # Only what the exporter's pages asked for, not the browser's own start page before the first visit.
        if message.get("method") == "Network.requestWillBeSent" and \
                message["params"].get("documentURL", "").startswith(base + "/"):
            urls.add(message["params"]["request"]["url"])
    urls.update(driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)"))
    if not any(url.startswith(base + "/static/") for url in urls):
        raise CheckFailed(f"the network log saw none of the page's own files: {sorted(urls)}")
    foreign = sorted(url for url in urls if not (url == base or url.startswith(base + "/")))
    if foreign:
        raise CheckFailed("requests left the exporter's origin: " + ", ".join(foreign))


def run(arguments):
    base = arguments.url.rstrip("/")
    driver = start_browser()
    failures = []

    def check(name, function, *args):
        try:
            function(*args)
            print(f"ok - {name}", flush=True)
            return True
        except Exception as error:  # a broken page may fail in any way; report it and go on
            failures.append(f"{name}: {error}")
            print(f"FAIL - {name}: {error}", flush=True)
            return False

    try:
        driver.get(base + "/")
        allowed = [(path, 404) for path in ("/api/v2/alerts", "/api/v2/silences")
                   if api(base, "GET", path)[0] == 404]
        states = {}
        check("fleet table and summary match the API", lambda: states.update(check_table_matches_api(driver, base)))
        if arguments.token:
            kill_path = "/api/v1/agents/" + urllib.parse.quote(arguments.kill, safe="") + "/kill"
            allowed.append((kill_path, 401))
            check("admin actions refused without the token, with a clear message",
                  check_refused_without_token, driver, base, arguments.kill, arguments.token)
            check("kill and resume with the token", check_kill_and_resume, driver, base, arguments.kill)
        else:
            check("state filter", check_state_filter, driver, states)
            check("name search", check_search, driver, states, arguments.search)
            check("markup in data is shown as text", check_markup_is_shown_as_text, driver, base, arguments.xss_agent)
            check("refreshes without reloading", check_refresh_without_reload, driver, base)
            check("firing alerts listed", check_alerts, driver, base)
            check("recent alerts per agent from the history", check_recent_alerts, driver, base, arguments.screenshot)
            check("silences listed or reported unavailable", check_silences, driver, base, arguments.kill)
            check("kill and resume", check_kill_and_resume, driver, base, arguments.kill)
            check("agent page shows details and history", check_agent_page, driver, base, arguments.kill)
            check("agent page shows the recovery run", check_recovery_run, driver, base, arguments.recovered_agent)
            if arguments.job_agent:
                check("a job's page shows its last run and output as text, at its end, kept across refreshes",
                      check_job_page, driver, base, arguments.job_agent,
                      os.path.join(arguments.screenshots, "job-page.png") if arguments.screenshots else "")
            if arguments.maintenance_agent:
                check("maintenance shown in the fleet table and on the agent page", check_maintenance, driver, base,
                      arguments.maintenance_agent, arguments.screenshots)
            if arguments.dependent_agent:
                check("the agent page links its dependencies and dependents", check_dependencies, driver, base,
                      arguments.dependent_agent, arguments.screenshots)
            if arguments.missing_agent:
                check("a missing agent shows no cost and no Kill button", check_missing_agent, driver, base,
                      arguments.missing_agent)
            allowed += [("/api/v1/agents/no-such-agent", 404), ("/api/v1/agents/no-such-agent/history", 404)]
            check("refused heartbeats shown once there are some", check_rejections, driver, base)
            check("Alertmanager v2 silences and suppressed alerts shown", check_alertmanager_shapes, driver, base)
        check("no console errors, no request to another origin", check_console_and_origin, driver, base, allowed)
    finally:
        driver.quit()
    if failures:
        print(f"{len(failures)} check(s) failed", flush=True)
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the exporter's base URL")
    parser.add_argument("--kill", required=True, help="an agent to kill and resume")
    parser.add_argument("--search", default="", help="a name fragment that matches some agents but not all")
    parser.add_argument("--screenshot", default="", help="where to save a screenshot of the recent alerts")
    parser.add_argument("--xss-agent", default="", help="an agent whose current task holds HTML markup")
    parser.add_argument("--job-agent", default="", help="an agent whose last run failed with an exit code and output")
    parser.add_argument("--token", default="", help="the exporter's admin token: run the token scenario")
    parser.add_argument("--recovered-agent", default="", help="an agent whose recovery ladder ran")
    parser.add_argument("--maintenance-agent", default="", help="an agent in an open maintenance window")
    parser.add_argument("--dependent-agent", default="", help="an agent whose beats declare a dependency")
    parser.add_argument("--missing-agent", default="", help="an agent expected and never seen")
    parser.add_argument("--screenshots", default="", help="a folder to save screenshots of the pages in")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
