#!/usr/bin/python3
"""Soak run of heartbeat-exporter: a fleet beating through the batch endpoint for SOAK_SECONDS, with churn,
operator actions, silences, reloads and scrapes, then `kill -9` and a restart.

    bench/soak/soak.py [BINARY]        # default: .build/release/heartbeat-exporter, else .build/debug/…

Environment: SOAK_SECONDS (600), SOAK_AGENTS (20000), SOAK_ROUND_SECONDS (10: every agent beats once a round).
It starts the binary on a free loopback port (`--web.listen-address 127.0.0.1:0`) with its own data folder
(a temporary directory, removed at the end unless SOAK_KEEP=1) and the shipped rules (`rules/*.yml` copied
beside it, built-in configuration), and stops what it started by PID. Python 3 standard library only.

It passes (exit 0) when: no response was a 5xx (nor a lost connection); the RSS in the last third of the run
stays within 10 % of its value at one third (medians of the samples taken every 5 s, see rss_verdict; runs
under 5 minutes only report it); after the kill -9 and restart every acknowledged kill, resume,
stop, delete and silence is there; and no agent counter went backwards across the restart.
"""

import glob
import gzip
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
AGENTS = int(os.environ.get("SOAK_AGENTS", "20000"))
ROUND = float(os.environ.get("SOAK_ROUND_SECONDS", "10"))
# The rules' sample history and the per-agent cost windows fill during the first minutes (to 5, 10 and 15 minutes
# of samples), so a shorter run (the 60 s smoke) reports the RSS without judging it.
RSS_CHECK_FROM = 300
BATCH = 150  # about 50 KB a batch: under the default --web.max-body-bytes (64 KiB)
COUNTERS = ("agent_heartbeats_total", "agent_restarts_total", "agent_tasks_total", "agent_cost_usd_total",
            "agent_tokens_total", "agent_errors_total")
JSON_HEADERS = {"Content-Type": "application/json"}


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Exporter:
    """One run of the binary on 127.0.0.1:0, its standard error in the data folder."""

    def __init__(self, binary, folder):
        self.log_path = os.path.join(folder, f"exporter-{int(time.time() * 1000)}.log")
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [binary, "serve", "--web.listen-address", "127.0.0.1:0", "--storage.path", os.path.join(folder, "data"),
             "--agents.max", str(AGENTS * 2)],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=self.log_file)
        self.port = self._wait_for_port()

    def _wait_for_port(self):
        deadline = time.time() + 120
        while time.time() < deadline:
            with open(self.log_path) as f:
                match = re.search(r"msg=listening .*port=(\d+)", f.read())
            if match:
                return int(match.group(1))
            if self.process.poll() is not None:
                raise SystemExit(f"exporter exited early:\n{open(self.log_path).read()}")
            time.sleep(0.05)
        self.kill()
        raise SystemExit("exporter did not listen within 120 s")

    def rss_bytes(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def kill(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log_file.close()

    def terminate(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log_file.close()


class Client:
    """A keep-alive connection that records every 5xx and lost request in `failures`."""

    def __init__(self, port, failures):
        self.port = port
        self.failures = failures
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        payload = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = dict(headers or {})
        if payload is not None:
            headers.update(JSON_HEADERS)
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.connection.request(method, path, body=payload, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader("Content-Encoding") == "gzip":
                    data = gzip.decompress(data)
                if response.status >= 500:
                    self.failures.append(f"{method} {path}: {response.status} {data[:200]!r}")
                return response.status, data
            except (ConnectionError, http.client.HTTPException, OSError) as error:
                self.close()
                # A kept-alive connection the server closed between requests is retried once; else it counts.
                if attempt == 2:
                    self.failures.append(f"{method} {path}: {type(error).__name__}: {error}")
                    return 0, b""
        return 0, b""

    def json(self, method, path, body=None):
        status, data = self.request(method, path, body)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, None

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Fleet:
    """The simulated agents and what the operator did to them (only what the exporter acknowledged)."""

    def __init__(self, count):
        self.next_id = 0
        self.live = {}  # name → [run_id, seq]
        for _ in range(count):
            self.add()
        self.killed, self.resumed, self.stopped, self.deleted = set(), set(), set(), set()
        self.silences = {}  # id → (endsAt epoch, expired by us)

    def add(self):
        name = f"soak-{self.next_id:06d}"
        self.next_id += 1
        self.live[name] = [f"run-{random.getrandbits(48):x}", 0]
        return name

    def beat(self, name):
        run = self.live[name]
        run[1] += 1
        return {"agent": name, "agent_type": "soak", "run_id": run[0], "seq": run[1], "interval_seconds": 60,
                "status": "healthy", "current_task": f"task {run[1]}",
                "tasks": [{"success": run[1] % 17 != 0, "latency_ms": 100 + run[1] % 900, "cost_usd": 0.001,
                           "tokens": 150}],
                "metrics": {"cost_usd": 0.001, "tokens": 150, "errors": int(run[1] % 23 == 0),
                            "queue_depth": run[1] % 5,
                            "active_tasks": 1, "memory_bytes": 200_000_000}}


def rfc3339(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}Z"


def operate(client, fleet, round_number):
    """One round's churn and operator actions, between two rounds of beats."""
    names = [n for n in fleet.live if n not in fleet.killed]
    random.shuffle(names)
    for name in names[:20]:  # deleted: never beats again
        status, _ = client.request("DELETE", f"/api/v1/agents/{name}")
        if status == 200:
            del fleet.live[name]
            fleet.deleted.add(name)
            fleet.resumed.discard(name)
    for _ in range(20):
        fleet.add()
    for name in names[20:120]:  # restarted with a new run id
        if name in fleet.live:
            fleet.live[name] = [f"run-{random.getrandbits(48):x}", 0]
    for name in names[120:125]:  # stopped on purpose: beats no more
        status, _ = client.request("POST", f"/api/v1/agents/{name}/stop", {})
        if status == 200:
            del fleet.live[name]
            fleet.stopped.add(name)
            fleet.resumed.discard(name)
    for name in names[125:130]:  # killed (keeps beating, stays killed)
        status, _ = client.request("POST", f"/api/v1/agents/{name}/kill", {"reason": "soak", "by": "soak"})
        if status == 200:
            fleet.killed.add(name)
            fleet.resumed.discard(name)
    for name in sorted(fleet.killed)[:3] if round_number % 2 else []:
        status, _ = client.request("POST", f"/api/v1/agents/{name}/resume", {})
        if status == 200:
            fleet.killed.discard(name)
            fleet.resumed.add(name)
    now = time.time()
    for ends in (now + 20, now + 3600):  # one expires by itself, one is expired by hand later
        target = random.choice(list(fleet.live))
        body = {"matchers": [{"name": "agent", "value": target, "isRegex": False, "isEqual": True}],
                "startsAt": rfc3339(now), "endsAt": rfc3339(ends), "createdBy": "soak", "comment": "soak run"}
        status, reply = client.json("POST", "/api/v2/silences", body)
        if status == 200 and reply:
            fleet.silences[reply["silenceID"]] = (ends, False)
    open_by_hand = [i for i, (ends, expired) in fleet.silences.items() if ends > now + 60 and not expired]
    if round_number % 2 == 0 and open_by_hand:
        silence = random.choice(open_by_hand)
        status, _ = client.request("DELETE", f"/api/v2/silence/{silence}")
        if status == 200:
            fleet.silences[silence] = (fleet.silences[silence][0], True)


def beat_round(client, fleet, problems):
    names = list(fleet.live)
    for start in range(0, len(names), BATCH):
        batch = [fleet.beat(name) for name in names[start:start + BATCH]]
        status, reply = client.json("POST", "/api/v1/heartbeats", batch)
        if status != 202:
            problems.append(f"batch answered {status}")
            continue
        for item in (reply or {}).get("data", {}).get("results", []):
            if "error" in item:
                problems.append(f"beat refused: {item}")


class Background:
    """Three threads beside the beats: the RSS sampled every 5 s, /metrics scraped every 5 s (a scrape starts
    5 s after the previous one started, or at once when that one took longer), /-/reload every 30 s."""

    def __init__(self, exporter, failures, started):
        self.exporter, self.started, self.failures = exporter, started, failures
        self.rss = []  # (seconds since start, bytes)
        self.stop_event = threading.Event()
        self.reloads = 0
        self.scrapes = []  # seconds each took
        self.history = []  # (seconds since start, samples in the rules' history, bytes they take)
        self.problems = []
        self.threads = [threading.Thread(target=target, daemon=True)
                        for target in (self.sample_rss, self.scrape, self.reload)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def every(self, seconds, action):
        next_at = time.time() + seconds
        while not self.stop_event.wait(max(0.0, next_at - time.time())):
            began = time.time()
            action()
            next_at = began + seconds

    def sample_rss(self):
        self.every(5, lambda: self.rss.append((time.time() - self.started, self.exporter.rss_bytes())))

    def scrape(self):
        client = Client(self.exporter.port, self.failures)

        def once():
            began = time.time()
            status, body = client.request("GET", "/metrics")
            self.scrapes.append(time.time() - began)
            if status != 200 or b"agent_heartbeats_total" not in body:
                self.problems.append(f"/metrics answered {status}")
            samples, held = HISTORY.search(body), HISTORY_BYTES.search(body)
            if samples and held:
                self.history.append((began - self.started, float(samples.group(1)), float(held.group(1))))
        self.every(5, once)
        client.close()

    def reload(self):
        client = Client(self.exporter.port, self.failures)

        def once():
            status, body = client.request("POST", "/-/reload")
            self.reloads += 1
            if status != 200:
                self.problems.append(f"/-/reload answered {status}: {body[:200]!r}")
        self.every(30, once)
        client.close()

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join()


HISTORY = re.compile(rb"^heartbeat_exporter_rule_history_samples (\S+)", re.M)
HISTORY_BYTES = re.compile(rb"^heartbeat_exporter_rule_history_bytes (\S+)", re.M)
SAMPLE = re.compile(rb'^(agent_[a-z_]+_total)\{([^}]*)\} (\S+)', re.M)


def counters(client):
    status, body = client.request("GET", "/metrics")
    values = {}
    for family, labels, value in SAMPLE.findall(body):
        if family.decode() in COUNTERS:
            values[(family.decode(), labels.decode())] = float(value)
    return status, values


def check_restart(client, fleet, before):
    """What must have survived the kill -9."""
    problems = []
    _, after = counters(client)
    went_back = [(key, before[key], after[key]) for key in before if key in after and after[key] < before[key]]
    missing = [key for key in before if key not in after and re.search(r'agent="([^"]+)"', key[1]).group(1)
               in fleet.live]
    problems += [f"counter went backwards: {k} {b} → {a}" for k, b, a in went_back[:10]]
    problems += [f"counter gone after restart: {k}" for k in missing[:10]]
    status, reply = client.json("GET", "/api/v1/agents")
    agents = {a["agent"]: a for a in (reply or {}).get("data", {}).get("agents", [])}
    for name in fleet.killed:
        if agents.get(name, {}).get("state") != "killed":
            problems.append(f"kill lost: {name} is {agents.get(name, {}).get('state')}")
    for name in fleet.resumed:
        if name in agents and agents[name]["state"] == "killed":
            problems.append(f"resume lost: {name} is killed")
    for name in fleet.stopped:
        if agents.get(name, {}).get("state") != "stopped":
            problems.append(f"stop lost: {name} is {agents.get(name, {}).get('state')}")
    for name in fleet.deleted:
        if name in agents:
            problems.append(f"delete lost: {name} is back")
    _, silences = client.json("GET", "/api/v2/silences")
    stored = {s["id"]: s for s in silences or []}
    now = time.time()
    for silence, (ends, expired_by_hand) in fleet.silences.items():
        state = stored.get(silence, {}).get("status", {}).get("state")
        expected = "expired" if expired_by_hand or ends <= now else "active"
        if state != expected:
            problems.append(f"silence {silence}: expected {expected}, found {state}")
    return problems, len(before), len(agents)


def median(values):
    return sorted(values)[len(values) // 2] if values else None


def net_of_history(rss_samples, history):
    """Each RSS sample less the bytes the rules' history held for its samples then (the nearest scrape's
    heartbeat_exporter_rule_history_bytes)."""
    if not history:
        return []
    return [(t, rss - min(history, key=lambda h: abs(h[0] - t))[2]) for t, rss in rss_samples]


def rss_verdict(samples, total):
    """The RSS at one third of the run (the median of the samples within 30 s of it) and in the last third (the
    median of its samples, so that one sample taken while a scrape renders does not decide), and whether the
    second is within 10 % of the first."""
    reference = median([rss for t, rss in samples if abs(t - total / 3) <= 30])
    last = median([rss for t, rss in samples if t >= 2 * total / 3])
    if not reference or not last:
        return reference, last, False
    return reference, last, abs(last - reference) <= 0.10 * reference


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the exporter
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else next(
        (p for p in (f"{ROOT}/.build/release/heartbeat-exporter", f"{ROOT}/.build/debug/heartbeat-exporter")
         if os.access(p, os.X_OK)), None)
    if binary is None:
        raise SystemExit("no binary: pass its path, or build with `swift build -c release`")
    folder = tempfile.mkdtemp(prefix="soak-")
    os.makedirs(os.path.join(folder, "rules"))
    for rule_file in glob.glob(f"{ROOT}/rules/*.yml"):
        shutil.copy(rule_file, os.path.join(folder, "rules"))
    log(f"binary {binary}, {AGENTS} agents, {SECONDS:.0f} s, rounds of {ROUND:.0f} s, folder {folder}")
    failures, problems = [], []
    fleet = Fleet(AGENTS)
    exporter = Exporter(binary, folder)
    restarted = None
    try:
        client = Client(exporter.port, failures)
        _, rules = client.json("GET", "/api/v1/rules")
        groups = (rules or {}).get("data", {}).get("groups", [])
        log(f"pid {exporter.process.pid} on port {exporter.port}; {len(groups)} rule groups loaded")
        if not groups:
            problems.append("no rule groups loaded")
        started = time.time()
        background = Background(exporter, failures, started)
        background.start()
        round_number = 0
        while time.time() - started < SECONDS:
            round_started = time.time()
            beat_round(client, fleet, problems)
            operate(client, fleet, round_number)
            round_number += 1
            if round_number % 6 == 0:
                log(f"{time.time() - started:5.0f} s: {len(fleet.live)} live, rss "
                    f"{exporter.rss_bytes() / 2**20:.0f} MiB, {len(failures)} failures")
            time.sleep(max(0.0, ROUND - (time.time() - round_started)))
        background.stop()
        problems += background.problems
        # The last counters read, then beats go on for 2 s (heartbeat state is committed twice a second), kill -9.
        _, before = counters(client)
        beat_round(client, fleet, problems)
        time.sleep(2)
        client.close()
        exporter.kill()
        log(f"kill -9 after {round_number} rounds; restarting")
        restarted = Exporter(binary, folder)
        client = Client(restarted.port, failures)
        restart_problems, counted, agents_after = check_restart(client, fleet, before)
        problems += restart_problems
        client.close()
        reference, last, flat = rss_verdict(background.rss, SECONDS)
        print("\nseconds  RSS (MiB)  samples in the rules' history  bytes they take (MiB)")
        for t, rss in background.rss[::6]:
            _, samples, held = min(background.history, key=lambda h: abs(h[0] - t), default=(0, 0, 0))
            print(f"{t:7.0f}  {rss / 2**20:9.1f}  {samples:29.0f}  {held / 2**20:20.1f}")
        print(f"\nrounds {round_number}, agents live {len(fleet.live)}, created {fleet.next_id}, "
              f"deleted {len(fleet.deleted)}, stopped {len(fleet.stopped)}, killed {len(fleet.killed)}, "
              f"resumed {len(fleet.resumed)}, silences {len(fleet.silences)}, reloads {background.reloads}, "
              f"scrapes {len(background.scrapes)} (median {median(background.scrapes) or 0:.2f} s, "
              f"longest {max(background.scrapes, default=0):.2f} s)")
        print(f"after restart: {agents_after} agents listed, {counted} counters compared")
        if reference and last:
            print(f"RSS at one third {reference / 2**20:.1f} MiB, in the last third {last / 2**20:.1f} MiB "
                  f"({(last / reference - 1) * 100:+.1f} %; medians); largest sample "
                  f"{max(rss for _, rss in background.rss) / 2**20:.1f} MiB")
        net_reference, net_last, _ = rss_verdict(net_of_history(background.rss, background.history), SECONDS)
        if net_reference and net_last:
            print(f"RSS less the rules' history samples: {net_reference / 2**20:.1f} MiB at one third, "
                  f"{net_last / 2**20:.1f} MiB in the last third ({(net_last / net_reference - 1) * 100:+.1f} %); "
                  "the history fills to the depth the rules read (their longest range plus 5 minutes)")
        if SECONDS < RSS_CHECK_FROM:
            print(f"RSS not checked: a run under {RSS_CHECK_FROM} s ends while the rules' sample history still fills")
        elif not flat:
            problems.append("RSS in the last third moved more than 10 % from its value at one third")
        for line in (failures + problems)[:40]:
            print(f"FAIL {line}")
        ok = not failures and not problems
        print("PASS" if ok else f"FAIL: {len(failures)} 5xx or lost requests, {len(problems)} other problems")
        return 0 if ok else 1
    finally:
        exporter.kill()
        if restarted:
            restarted.terminate()
        if os.environ.get("SOAK_KEEP") != "1":
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
