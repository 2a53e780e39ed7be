"""Helpers of the status page's browser checks: the exporter's API, a headless Chromium, waiting, reading the table."""

import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

WAIT_SECONDS = 12


class CheckFailed(Exception):
    """A check saw the page do something other than expected."""


# The exporter's API, read directly to know what the page should show.

def api(base, method, path, body=None, headers=None):
    """(status, parsed JSON or None) of one request to the exporter."""
    data = None if body is None else json.dumps(body).encode()
    headers = dict(headers or {})
    if data is not None:
        headers.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, None


def fleet(base):
    status, body = api(base, "GET", "/api/v1/agents")
    if status != 200:
        raise CheckFailed(f"GET /api/v1/agents answered {status}")
    return body["data"]


def agent_state(base, name):
    status, body = api(base, "GET", "/api/v1/agents/" + urllib.parse.quote(name, safe=""))
    if status != 200:
        raise CheckFailed(f"GET /api/v1/agents/{name} answered {status}")
    return body["data"]["state"]


# The browser.

def start_browser():
    options = webdriver.ChromeOptions()
    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if os.path.exists(candidate):
            options.binary_location = candidate
            break
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1400,1000", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-default-apps", "--disable-sync",
                 "--user-data-dir=" + tempfile.mkdtemp(prefix="status-page-chromium-")):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def wait_until(what, condition, seconds=WAIT_SECONDS):
    """Polls `condition` until it returns a true value, else fails naming `what` and the last value seen."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
            if last:
                return last
        except StaleElementReferenceException:
            pass
        time.sleep(0.1)
    raise CheckFailed(f"{what} did not happen within {seconds} s (last seen: {last!r})")


def table_rows(driver):
    """Agent name -> (state shown, visible) for every row in the fleet table (filtered-out rows are taken out)."""
    return driver.execute_script("""
        const rows = {};
        for (const tr of document.querySelectorAll('#fleet-rows tr[data-agent]')) {
          rows[tr.getAttribute('data-agent')] = [tr.querySelector('.state-cell').textContent.trim(), !tr.hidden];
        }
        return rows;""")


def visible_agents(driver):
    return sorted(name for name, (_, visible) in table_rows(driver).items() if visible)


def accept_confirm(driver):
    def confirm():
        try:
            return driver.switch_to.alert
        except NoAlertPresentException:
            return None
    wait_until("the kill confirmation", confirm, seconds=5).accept()


def click_action(driver, agent, expected_label):
    button = driver.find_element(By.CSS_SELECTOR, f'tr[data-agent="{agent}"] button.action')
    if button.text != expected_label:
        raise CheckFailed(f"{agent}'s button says {button.text!r}, expected {expected_label!r}")
    button.click()
    if expected_label == "Kill":
        accept_confirm(driver)


def row_state(driver, agent):
    return table_rows(driver).get(agent, ("<missing>", False))[0]
