#!/usr/bin/env python3
"""Drives the exporter's status page in a real headless Chromium and checks what an operator relies on.

Run by Tests/IntegrationTests/StatusPageTests.swift against a running exporter whose fleet it prepared:

    status_page_test.py --url http://127.0.0.1:PORT --kill AGENT --search TEXT --xss-agent AGENT
    status_page_test.py --url http://127.0.0.1:PORT --kill AGENT --token TOKEN   (exporter with an admin token)

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

STATES = ["healthy", "degraded", "unreachable", "recovering", "killed", "stopped"]


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
            check("silences listed or reported unavailable", check_silences, driver, base, arguments.kill)
            check("kill and resume", check_kill_and_resume, driver, base, arguments.kill)
            check("agent page shows details and history", check_agent_page, driver, base, arguments.kill)
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
    parser.add_argument("--xss-agent", default="", help="an agent whose current task holds HTML markup")
    parser.add_argument("--token", default="", help="the exporter's admin token: run the token scenario")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
